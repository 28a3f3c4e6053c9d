package dev.tidemark.sync.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Abuse limits on what one client may send: the shape of an operation and of a request body, and
 * how fast it sends requests and opens realtime connections. (Body size, depth, complexity,
 * tokens and WebSocket message size are Quarkus keys; see docs/configuration.md, "Abuse limits".)
 */
public interface LimitsConfig {
    /**
     * Most fields in one operation as it executes: every fragment counted each time it is spread
     * (a fragment bomb expands a 1 KB document to billions); more are refused with LIMIT_EXCEEDED
     * before anything is expanded.
     */
    @WithDefault("2000")
    int maxFields();

    /**
     * Deepest chain of fragments spreading fragments in one document; deeper documents are refused
     * with LIMIT_EXCEEDED before validation (whose fragment-cycle check costs the cube of it).
     */
    @WithDefault("10")
    int maxFragmentDepth();

    /** Most aliased fields in one operation (fragments counted each time they are spread); more are refused with LIMIT_EXCEEDED before execution. */
    @WithDefault("30")
    int maxAliases();

    /** WebSocket upgrades one client address may make per minute (token bucket refill); over it HTTP 429 with Retry-After. 0 turns the limit off. */
    @WithDefault("120")
    int connectionsPerMinute();

    /** Upgrades one client address may make at once before the per-minute rate applies (the bucket's size). */
    @WithDefault("60")
    int connectionBurst();

    /**
     * Take the client address from the last {@code X-Forwarded-For} entry (the one the ingress
     * appended) instead of the TCP peer. Only behind a proxy that appends it: a client reaching
     * the server directly could otherwise pick any address.
     */
    @WithDefault("false")
    boolean trustForwardedFor();

    /** Most client addresses whose buckets are kept; beyond it, new addresses share one bucket until idle ones are evicted. */
    @WithDefault("10000")
    int maxTrackedClients();

    /** Plain GraphQL requests (POST and GET {@code /graphql}) one client address may make per minute (token bucket refill); over it HTTP 429 with Retry-After. 0 turns the limit off. */
    @WithDefault("1200")
    int requestsPerMinute();

    /** Requests one client address may make at once before the per-minute rate applies (the bucket's size). */
    @WithDefault("300")
    int requestBurst();

    /**
     * Most plain GraphQL requests one client address may have in flight at once, each from its
     * admission until its answer is written to the socket or its connection closes (an answer the
     * client does not read still counts); more: HTTP 429 RATE_LIMITED with Retry-After. 0 turns it off.
     */
    @WithDefault("16")
    int maxRequestsInFlightPerClient();

    /** Plain GraphQL requests one instance runs at once (at most the pool's max-size minus the two kept connections); the rest wait in turn. */
    @WithDefault("16")
    int maxRunningRequests();

    /** Requests that may wait for their turn; more: HTTP 503 SERVICE_UNAVAILABLE with Retry-After. */
    @WithDefault("5000")
    int maxQueuedRequests();

    /** Longest wait for a turn; longer: HTTP 503 SERVICE_UNAVAILABLE with Retry-After. */
    @WithDefault("60s")
    Duration queueTimeout();

    /**
     * Longest JSON string in a request body, in bytes as sent (escapes included), and longest
     * {@code application/graphql} document; checked while the body is read (HTTP 413).
     * The largest legitimate strings are documents and held digests (a digest of 2^17 buckets,
     * the most {@code tidemark.sync.max-rows} allows, is 700 KB of base64).
     */
    @WithDefault("1M")
    MemorySize maxStringLength();

    /**
     * Longest JSON number in a request body, in characters; checked while the body is read (HTTP
     * 413). Parsing a number of n digits takes time in n² (a megabyte of digits: most of a
     * minute); the numbers clients send (versions, counts) have at most 20.
     */
    @WithDefault("100")
    int maxNumberLength();

    /**
     * Most JSON values (array elements and object members, at every level) in one request body,
     * checked while it is read (HTTP 413), so a body of tiny values never becomes millions of
     * objects: a held row is one value, a change about seven.
     */
    @WithDefault("500000")
    long maxJsonValues();

    /** Deepest nesting of arrays and objects in a request body (a where nested to its own limit needs about 20). */
    @WithDefault("64")
    int maxJsonDepth();

    /**
     * Longest time a connection may take to send a request's line and headers, counted from its
     * opening (a connection that sends nothing is closed after it) or, on a kept-alive connection,
     * from the first byte of the next request; then HTTP 408 and the connection closed.
     */
    @WithDefault("10s")
    Duration requestHeaderTimeout();

    /** Longest time from the end of a request's headers to the end of its body; then HTTP 408 and the connection closed. */
    @WithDefault("30s")
    Duration requestBodyTimeout();

    /** How long an HTTP/1.1 connection is kept open with no request on it; then it is closed (silently). */
    @WithDefault("75s")
    Duration keepAliveTimeout();

    /**
     * Most open TCP connections from one client address (the TCP peer); more are closed as they are
     * accepted. 0 turns it off; not applied when {@code trust-forwarded-for} is on (the peer is then the proxy).
     */
    @WithDefault("100")
    int maxConnectionsPerClient();
}
