package dev.tidemark.sync.metrics.limits;

import java.util.EnumSet;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the refusals of the server's request limits: {@code tidemark.limits.refused}
 * ({@code tidemark_limits_refused_total}), tagged {@code limit} (which limit refused, a closed list:
 * {@link Limit}) and {@code transport} ({@code http} or {@code websocket}). Every counter is
 * registered at start (exported at 0 too) and looked up by index when a limit refuses, so counting
 * allocates nothing and never blocks: refusals happen on event loops.
 */
@Singleton
public class LimitRefusals {

    public static final String NAME = "tidemark.limits.refused";
    /**
     * The GraphQL context key under which an operation sent over a WebSocket carries
     * {@link Transport#WEBSOCKET}; an operation without it came over plain HTTP.
     */
    public static final String TRANSPORT_KEY = "tidemark.transport";

    /** What the refused client traffic was: a plain HTTP request or connection, or a WebSocket upgrade, connection or message. */
    public enum Transport {
        HTTP("http"), WEBSOCKET("websocket");

        public final String tag;

        Transport(String tag) {
            this.tag = tag;
        }
    }

    /**
     * Each limit that refuses, its {@code limit} tag (the last part of its configuration key) and the
     * transports it refuses on; docs/configuration.md lists them.
     */
    public enum Limit {
        CONNECTIONS_PER_MINUTE("connections-per-minute", Transport.WEBSOCKET),
        REQUESTS_PER_MINUTE("requests-per-minute", Transport.HTTP, Transport.WEBSOCKET),
        MAX_REQUESTS_IN_FLIGHT_PER_CLIENT("max-requests-in-flight-per-client", Transport.HTTP),
        MAX_QUEUED_REQUESTS("max-queued-requests", Transport.HTTP),
        QUEUE_TIMEOUT("queue-timeout", Transport.HTTP),
        MAX_CONNECTIONS_PER_CLIENT("max-connections-per-client", Transport.HTTP),
        REQUEST_HEADER_TIMEOUT("request-header-timeout", Transport.HTTP),
        REQUEST_BODY_TIMEOUT("request-body-timeout", Transport.HTTP),
        MAX_BODY_SIZE("max-body-size", Transport.HTTP),
        MAX_STRING_LENGTH("max-string-length", Transport.HTTP),
        MAX_NUMBER_LENGTH("max-number-length", Transport.HTTP),
        MAX_JSON_VALUES("max-json-values", Transport.HTTP),
        MAX_JSON_DEPTH("max-json-depth", Transport.HTTP),
        MAX_ROWS("max-rows", Transport.HTTP),
        PARSER_MAX_TOKENS("parser-max-tokens", Transport.HTTP, Transport.WEBSOCKET),
        MAX_FIELDS("max-fields", Transport.HTTP, Transport.WEBSOCKET),
        MAX_ALIASES("max-aliases", Transport.HTTP, Transport.WEBSOCKET),
        MAX_FRAGMENT_DEPTH("max-fragment-depth", Transport.HTTP, Transport.WEBSOCKET),
        QUERY_DEPTH("query-depth", Transport.HTTP, Transport.WEBSOCKET),
        QUERY_COMPLEXITY("query-complexity", Transport.HTTP, Transport.WEBSOCKET),
        MAX_SUBSCRIPTIONS_PER_CONNECTION("max-subscriptions-per-connection", Transport.WEBSOCKET),
        MAX_MESSAGE_SIZE("max-message-size", Transport.WEBSOCKET),
        MAX_FRAME_SIZE("max-frame-size", Transport.WEBSOCKET),
        CONNECTION_INIT_TIMEOUT("connection-init-timeout", Transport.WEBSOCKET);

        public final String tag;
        public final Set<Transport> transports;

        Limit(String tag, Transport first, Transport... more) {
            this.tag = tag;
            this.transports = EnumSet.of(first, more);
        }
    }

    /** By limit and transport; null for a pair that does not occur. */
    private final Counter[][] counters = new Counter[Limit.values().length][Transport.values().length];

    @Inject
    public LimitRefusals(MeterRegistry registry) {
        for (Limit limit : Limit.values()) {
            for (Transport transport : limit.transports) {
                counters[limit.ordinal()][transport.ordinal()] = Counter.builder(NAME)
                        .description("Requests, WebSocket upgrades, connections and WebSocket messages refused by a limit")
                        .tag("limit", limit.tag)
                        .tag("transport", transport.tag)
                        .register(registry);
            }
        }
    }

    /** {@code limit} refused one request, upgrade, connection or message that came over {@code transport}. */
    public void refused(Limit limit, Transport transport) {
        Counter counter = counters[limit.ordinal()][transport.ordinal()];
        if (counter != null) { // every call site passes a pair its limit declares; a mistake must not break the refusal
            counter.increment();
        }
    }

    /** The transport an operation came over, from the value its GraphQL context holds under {@link #TRANSPORT_KEY}. */
    public static Transport transport(Object contextValue) {
        return contextValue == Transport.WEBSOCKET ? Transport.WEBSOCKET : Transport.HTTP;
    }
}
