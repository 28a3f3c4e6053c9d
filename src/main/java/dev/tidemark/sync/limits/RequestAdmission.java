package dev.tidemark.sync.limits;

import java.util.ArrayDeque;

import jakarta.json.Json;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Limit;
import dev.tidemark.sync.metrics.limits.LimitRefusals.Transport;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets at most {@code maxRunning} plain GraphQL requests of this instance run at once (their body
 * read, handed to a worker thread); the others wait, first come first served, with their bodies
 * read but nothing parsed and no database connection taken. Without it a storm (a thousand clients
 * reconnecting after a network blip) put hundreds of syncs on the worker threads at once: they
 * filled the heap with parsed requests and waited for the pool's 20 connections beyond
 * {@code quarkus.datasource.jdbc.acquisition-timeout}, which answers {@code SERVICE_UNAVAILABLE}
 * though the database was fine. A request waiting longer than {@code queueTimeoutMillis}, or
 * arriving when {@code maxQueued} already wait, is answered HTTP 503 {@code SERVICE_UNAVAILABLE}
 * with {@code Retry-After} and {@code extensions.retryAfterSeconds}; a client that hangs up while
 * waiting leaves the queue. WebSocket upgrades are not counted: a subscription holds no worker.
 */
final class RequestAdmission implements Handler<RoutingContext> {

    static final String SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

    private final int maxRunning;
    private final int maxQueued;
    private final long queueTimeoutMillis;
    private final long retryAfterSeconds;
    private final LimitRefusals refusals;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int running;

    RequestAdmission(int maxRunning, int maxQueued, long queueTimeoutMillis, long retryAfterSeconds, LimitRefusals refusals) {
        this.maxRunning = Math.max(1, maxRunning);
        this.maxQueued = Math.max(0, maxQueued);
        this.queueTimeoutMillis = Math.max(1, queueTimeoutMillis);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
        this.refusals = refusals;
    }

    /** One request waiting for its turn; every field is guarded by the admission's lock. */
    private final class Waiting {
        final RoutingContext context;
        final Context eventLoop;
        long timer;
        boolean admitted;
        boolean done;

        Waiting(RoutingContext context, Context eventLoop) {
            this.context = context;
            this.eventLoop = eventLoop;
        }
    }

    @Override
    public void handle(RoutingContext context) {
        if (context.request().headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
            context.next();
            return;
        }
        Waiting waiting = new Waiting(context, Vertx.currentContext());
        boolean start = false;
        boolean full = false;
        synchronized (this) {
            if (running < maxRunning) {
                running++;
                waiting.admitted = true;
                start = true;
            } else if (queue.size() >= maxQueued) {
                full = true;
            } else {
                queue.add(waiting);
            }
        }
        if (full) {
            refusals.refused(Limit.MAX_QUEUED_REQUESTS, Transport.HTTP);
            refuse(context, maxQueued + " requests are already waiting on this instance (tidemark.limits.max-queued-requests)");
            return;
        }
        // Each is one slot of the response's handlers that later handlers may take over (a request
        // run by Quarkus had its end handler replaced, and its place was never given back): the first
        // to fire frees the place; the headers going out means the work is done.
        context.addEndHandler(ended -> ended(waiting));
        context.addHeadersEndHandler(v -> ended(waiting));
        if (start) {
            context.next();
            return;
        }
        long timer = context.vertx().setTimer(queueTimeoutMillis, id -> timedOut(waiting));
        synchronized (this) {
            waiting.timer = timer;
        }
    }

    /** Requests running now, and waiting (for metrics and tests). */
    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queue.size();
    }

    private void timedOut(Waiting waiting) {
        synchronized (this) {
            if (waiting.admitted || waiting.done || !queue.remove(waiting)) {
                return;
            }
            waiting.done = true;
        }
        refusals.refused(Limit.QUEUE_TIMEOUT, Transport.HTTP);
        refuse(waiting.context, "the request waited " + queueTimeoutMillis + " ms for its turn on this busy instance "
                + "(tidemark.limits.queue-timeout)");
    }

    /** The response ended or the connection closed: a running request hands its place on, a waiting one leaves the queue. */
    private void ended(Waiting waiting) {
        Waiting next;
        synchronized (this) {
            if (waiting.done) {
                return;
            }
            waiting.done = true;
            if (!waiting.admitted) {
                queue.remove(waiting);
                return;
            }
            next = queue.poll();
            if (next == null) {
                running--;
                return;
            }
            next.admitted = true;
        }
        Waiting admitted = next;
        admitted.context.vertx().cancelTimer(admitted.timer);
        admitted.eventLoop.runOnContext(v -> admitted.context.next());
    }

    private void refuse(RoutingContext context, String reason) {
        String body = Json.createObjectBuilder().add("errors", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("message", "this instance is busy: " + reason + "; retry after " + retryAfterSeconds + " s")
                .add("extensions", Json.createObjectBuilder().add("code", SERVICE_UNAVAILABLE).add("retryAfterSeconds", retryAfterSeconds))))
                .build().toString();
        context.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
