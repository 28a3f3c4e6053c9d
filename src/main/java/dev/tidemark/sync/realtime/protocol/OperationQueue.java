package dev.tidemark.sync.realtime.protocol;

import java.util.ArrayDeque;

import jakarta.json.JsonObject;

/**
 * The operations of one connection waiting to run, and how many run now. At most {@code atOnce}
 * of a connection's operations execute at a time (each on a worker thread); the others wait here in
 * the order they came, at most {@code maxWaiting} of them, and one whose client sent its
 * {@code complete} before it started is dropped unrun. Without it a client could put any number of
 * executions on the shared worker pool with one socket (subscribe messages cost the client a few
 * bytes, an execution costs the server a parse, a validation and a query plan) and stall every other
 * client of the instance, health checks included.
 */
final class OperationQueue {

    /** One subscribe message not yet executed. */
    record Waiting(String id, JsonObject payload, ClientConnection.Operation operation) {
    }

    /** What became of an offered operation. */
    enum Admission {
        /** Run it now: a slot was free. */
        RUN,
        /** It waits for a slot; {@link #finished} hands it over. */
        QUEUED,
        /** Refused: {@code maxWaiting} operations already wait. */
        REFUSED
    }

    private final int atOnce;
    private final int maxWaiting;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int running;

    OperationQueue(int atOnce, int maxWaiting) {
        this.atOnce = Math.max(1, atOnce);
        this.maxWaiting = Math.max(0, maxWaiting);
    }

    synchronized Admission offer(Waiting operation) {
        if (running < atOnce) {
            running++;
            return Admission.RUN;
        }
        if (waiting.size() >= maxWaiting) {
            waiting.removeIf(w -> w.operation().cancelled);
        }
        if (waiting.size() >= maxWaiting) {
            return Admission.REFUSED;
        }
        waiting.add(operation);
        return Admission.QUEUED;
    }

    /** An operation finished: the next one to run in its slot (cancelled ones dropped), or null if none waits. */
    synchronized Waiting finished() {
        for (Waiting next = waiting.poll(); next != null; next = waiting.poll()) {
            if (!next.operation().cancelled) {
                return next;
            }
        }
        running--;
        return null;
    }

    /** Operations executing now (tests). */
    synchronized int running() {
        return running;
    }

    /** Operations waiting for a slot (tests). */
    synchronized int waiting() {
        return waiting.size();
    }
}
