package dev.tidemark.sync.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts the plain GraphQL requests each client address has in flight: from admission until the
 * answer is written to the socket or the connection closes (see {@link AnswerWritten}), so answers
 * a client never reads still count. An address's entry goes with its last request, so memory is
 * bounded by the requests in flight.
 */
final class RequestsInFlight {

    private final int maxPerClient;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** {@code maxPerClient} of 0 or less admits everything and counts nothing. */
    RequestsInFlight(int maxPerClient) {
        this.maxPerClient = maxPerClient;
    }

    boolean enabled() {
        return maxPerClient > 0;
    }

    int maxPerClient() {
        return maxPerClient;
    }

    /** Takes a place for {@code client}: the release to run once (later calls do nothing), or null when it has none left. */
    Runnable admit(String client) {
        boolean[] over = { false };
        counts.compute(client, (key, count) -> {
            int next = count == null ? 1 : count + 1;
            if (next > maxPerClient) {
                over[0] = true;
                return count;
            }
            return next;
        });
        if (over[0]) {
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                counts.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1);
            }
        };
    }

    /** Requests {@code client} has in flight now (tests). */
    int inFlight(String client) {
        return counts.getOrDefault(client, 0);
    }

    /** Addresses with a request in flight now (tests). */
    int clients() {
        return counts.size();
    }
}
