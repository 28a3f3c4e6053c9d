package dev.tidemark.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The test profile of the realtime load tests: many connections from one address and many
 * subscriptions per connection, as a reconnect storm after a deploy brings (the test profile's
 * defaults, 5 subscriptions and the connection rate limit, would refuse them before the code under
 * test runs).
 */
public class RealtimeLoad implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("tidemark.realtime.max-subscriptions-per-connection", "100",
                "tidemark.limits.connections-per-minute", "0");
    }
}
