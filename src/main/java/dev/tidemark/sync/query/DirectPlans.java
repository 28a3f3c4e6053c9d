package dev.tidemark.sync.query;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link DirectQueries}' plans by document, the least recently used dropped over the bound. */
final class DirectPlans {

    /** A document: its text and the operation name it was sent with. */
    record Key(String query, String operationName) {
    }

    private final Map<Key, DirectPlan> plans;

    DirectPlans(int max) {
        plans = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, DirectPlan> eldest) {
                return size() > max;
            }
        };
    }

    synchronized DirectPlan get(Key key) {
        return plans.get(key);
    }

    synchronized void put(Key key, DirectPlan plan) {
        plans.put(key, plan);
    }

    synchronized boolean isEmpty() {
        return plans.isEmpty();
    }
}

