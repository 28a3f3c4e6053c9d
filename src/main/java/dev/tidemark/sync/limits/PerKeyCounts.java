package dev.tidemark.sync.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts per key under a ceiling (connections per client address, requests in flight per client);
 * a key's entry goes with its last count, so memory is bounded by what is being counted.
 */
final class PerKeyCounts<K> {

    private final int max;
    private final ConcurrentHashMap<K, Integer> counts = new ConcurrentHashMap<>();

    PerKeyCounts(int max) {
        this.max = max;
    }

    /** Counts one more for {@code key}, unless it already has {@code max}: true if counted. */
    boolean take(K key) {
        boolean[] over = { false };
        counts.compute(key, (k, count) -> {
            int next = count == null ? 1 : count + 1;
            if (next > max) {
                over[0] = true;
                return count;
            }
            return next;
        });
        return !over[0];
    }

    /** Counts one less for {@code key}. */
    void give(K key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }

    int count(K key) {
        return counts.getOrDefault(key, 0);
    }

    int keys() {
        return counts.size();
    }
}
