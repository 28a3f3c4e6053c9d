package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A subscription's where is read as GraphQL coerced it (date-times as text, versions as big
 * integers), so its values must be taken in their column's type: a date-time or version filter
 * in a subscription scopes events exactly as the same filter in a query.
 */
@QuarkusTest
class SubscriptionWhereValuesTest {

    static final Duration QUIET = Duration.ofMillis(1500);

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldScopeEventsByDateTimeAndVersionFiltersAsAQueryWould() {
        String name = "Dated-" + Demo.uid();
        String past = OffsetDateTime.now().minusDays(1).toString();
        String future = OffsetDateTime.now().plusDays(1).toString();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String recent = ws.subscribeReady("""
                    subscription($n: String!, $after: DateTime!) {
                      groupChanged(where: {name: {eq: $n}, createdAt: {gt: $after}, version: {gte: 1}}) { operation row { name } }
                    }""", "n", name, "after", past);
            String literal = ws.subscribeReady("""
                    subscription($n: String!) {
                      groupChanged(where: {name: {eq: $n}, createdAt: {lt: "%s"}, deletedAt: {isNull: true}}) { operation row { name } }
                    }""".formatted(future), "n", name);
            String none = ws.subscribeReady("""
                    subscription($n: String!, $after: DateTime!) {
                      groupChanged(where: {name: {eq: $n}, createdAt: {gt: $after}}) { operation }
                    }""", "n", name, "after", future);
            Demo.group(name);
            JsonObject event = ws.event(recent);
            assertEquals("UPSERT", event.getString("operation"));
            assertEquals(name, event.getJsonObject("row").getString("name"));
            assertEquals("UPSERT", ws.event(literal).getString("operation"));
            ws.expectNothing(none, QUIET);
        }
    }
}
