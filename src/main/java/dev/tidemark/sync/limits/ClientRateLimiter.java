package dev.tidemark.sync.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code burst} requests (or WebSocket upgrades) at once,
 * refilled at {@code perMinute}; one instance per kind of request. Memory stays bounded: a bucket that has refilled to full is the same as a new
 * one, so it is dropped (swept at most once a second, when the table is full, and once a minute
 * otherwise); when {@code maxClients} addresses are still active, new addresses share one bucket.
 */
public final class ClientRateLimiter {

    private static final long SWEEP_EVERY = TimeUnit.MINUTES.toNanos(1);
    private static final long SWEEP_WHEN_FULL_EVERY = TimeUnit.SECONDS.toNanos(1);

    private final double burst;
    private final double tokensPerNano;
    private final int maxClients;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private volatile long lastSweep;

    /** {@code perMinute} of 0 or less lets everything through. */
    public ClientRateLimiter(int perMinute, int burst, int maxClients, LongSupplier nanoTime) {
        this.burst = Math.max(1, burst);
        this.tokensPerNano = perMinute / (double) TimeUnit.MINUTES.toNanos(1);
        this.maxClients = Math.max(1, maxClients);
        this.nanoTime = nanoTime;
        this.lastSweep = nanoTime.getAsLong();
        this.overflow = new Bucket(this.burst, lastSweep);
    }

    /** Takes a token for {@code client}: 0 if it may proceed, else the seconds until it may retry (at least 1). */
    public long acquire(String client) {
        if (tokensPerNano <= 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (now - lastSweep > SWEEP_EVERY) {
            sweep(now);
        }
        Bucket bucket = buckets.get(client);
        if (bucket == null) {
            if (buckets.size() >= maxClients && now - lastSweep > SWEEP_WHEN_FULL_EVERY) {
                sweep(now);
            }
            bucket = buckets.size() < maxClients ? buckets.computeIfAbsent(client, k -> new Bucket(burst, now)) : overflow;
        }
        return bucket.take(now, burst, tokensPerNano);
    }

    /** Client addresses currently tracked (for tests and metrics). */
    public int trackedClients() {
        return buckets.size();
    }

    private void sweep(long now) {
        lastSweep = now;
        buckets.values().removeIf(bucket -> bucket.isFull(now, burst, tokensPerNano));
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized long take(long now, double burst, double tokensPerNano) {
            refill(now, burst, tokensPerNano);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanos = (1 - tokens) / tokensPerNano;
            // the epsilon keeps a float error of a few nanoseconds from adding a whole second
            return Math.max(1, (long) Math.ceil(nanos / TimeUnit.SECONDS.toNanos(1) - 1e-6));
        }

        synchronized boolean isFull(long now, double burst, double tokensPerNano) {
            refill(now, burst, tokensPerNano);
            return tokens >= burst;
        }

        private void refill(long now, double burst, double tokensPerNano) {
            tokens = Math.min(burst, tokens + (now - updated) * tokensPerNano);
            updated = now;
        }
    }
}
