package dev.tidemark.sync.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the plain GraphQL requests each client address has in flight: from admission until the
 * answer is written to the socket or the connection closes (see {@link AnswerWritten}), so answers
 * a client never reads still count. An address's entry goes with its last request, so memory is
 * bounded by the requests in flight.
 */
final class RequestsInFlight {

    /** Refusals are logged at most this often, counted together (a client over the limit retries at once). */
    static final long REPORT_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final int maxPerClient;
    private final PerKeyCounts<String> counts;
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime() - REPORT_EVERY);

    /** {@code maxPerClient} of 0 or less admits everything and counts nothing. */
    RequestsInFlight(int maxPerClient) {
        this.maxPerClient = maxPerClient;
        this.counts = new PerKeyCounts<>(maxPerClient);
    }

    boolean enabled() {
        return maxPerClient > 0;
    }

    int maxPerClient() {
        return maxPerClient;
    }

    /** Takes a place for {@code client}: the release to run once (later calls do nothing), or null when it has none left. */
    Runnable admit(String client) {
        if (!counts.take(client)) {
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                counts.give(client);
            }
        };
    }

    /** Counts a refusal: the refusals to report now, at most once every {@link #REPORT_EVERY}, else 0. */
    long refused() {
        refusals.incrementAndGet();
        long now = System.nanoTime();
        long last = lastReport.get();
        return now - last >= REPORT_EVERY && lastReport.compareAndSet(last, now) ? refusals.getAndSet(0) : 0;
    }

    /** Requests {@code client} has in flight now (tests). */
    int inFlight(String client) {
        return counts.count(client);
    }

    /** Addresses with a request in flight now (tests). */
    int clients() {
        return counts.keys();
    }
}
