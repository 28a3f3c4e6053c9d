package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The token buckets on a clock the test moves: burst, refill, Retry-After, and bounded memory. */
class ClientRateLimiterTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    void advance(long amount, TimeUnit unit) {
        now.addAndGet(unit.toNanos(amount));
    }

    @Test
    void shouldAllowTheBurstThenOneConnectionPerRefillInterval() {
        ClientRateLimiter limiter = new ClientRateLimiter(60, 3, 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
        assertEquals(1, limiter.acquire("a"), "one a second: retry in 1 s");
        assertEquals(0, limiter.acquire("b"), "each address has its own bucket");
        advance(1, TimeUnit.SECONDS);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(1, limiter.acquire("a"));
    }

    @Test
    void shouldSayHowLongToWaitWhenTheRateIsSlow() {
        ClientRateLimiter limiter = new ClientRateLimiter(2, 1, 100, now::get);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(30, limiter.acquire("a"));
        advance(20, TimeUnit.SECONDS);
        assertEquals(10, limiter.acquire("a"));
    }

    @Test
    void shouldLetEverythingThroughWhenTheRateIsZero() {
        ClientRateLimiter limiter = new ClientRateLimiter(0, 1, 100, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
    }

    @Test
    void shouldForgetIdleClientsAndShareOneBucketWhenTheTableIsFull() {
        ClientRateLimiter limiter = new ClientRateLimiter(60, 2, 3, now::get);
        for (String client : new String[] { "a", "b", "c" }) {
            limiter.acquire(client);
        }
        assertEquals(3, limiter.trackedClients());
        assertEquals(0, limiter.acquire("d"), "the shared bucket");
        assertEquals(0, limiter.acquire("e"), "the shared bucket");
        assertTrue(limiter.acquire("f") > 0, "new addresses share one bucket while the table is full");
        assertEquals(3, limiter.trackedClients(), "memory stays bounded");
        advance(2, TimeUnit.SECONDS); // a, b and c have refilled: the same as new buckets, so dropped
        assertEquals(0, limiter.acquire("g"));
        assertEquals(1, limiter.trackedClients());
    }

    @Test
    void shouldSweepFullBucketsOnceAMinute() {
        ClientRateLimiter limiter = new ClientRateLimiter(60, 2, 1000, now::get);
        for (int i = 0; i < 500; i++) {
            limiter.acquire("client-" + i);
        }
        assertEquals(500, limiter.trackedClients());
        advance(61, TimeUnit.SECONDS);
        limiter.acquire("late");
        assertEquals(1, limiter.trackedClients());
    }

    @Test
    void shouldTakeTheClientFromTheLastForwardedEntryOnlyWhenTrusted() {
        assertEquals("10.0.0.7", GraphQLHttpGuard.clientAddress("10.0.0.7", "198.51.100.1, 203.0.113.5", false));
        assertEquals("203.0.113.5", GraphQLHttpGuard.clientAddress("10.0.0.7", "198.51.100.1, 203.0.113.5", true));
        assertEquals("203.0.113.5", GraphQLHttpGuard.clientAddress("10.0.0.7", "203.0.113.5", true));
        assertEquals("10.0.0.7", GraphQLHttpGuard.clientAddress("10.0.0.7", null, true));
        assertEquals("10.0.0.7", GraphQLHttpGuard.clientAddress("10.0.0.7", " ", true));
    }
}
