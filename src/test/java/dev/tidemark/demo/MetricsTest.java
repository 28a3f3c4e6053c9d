package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The operator metrics at /q/metrics (Prometheus text) after a sync with a conflict and a
 * rejection, and a subscription that received an event; and readiness naming its checks.
 */
@QuarkusTest
class MetricsTest {

    @Inject
    Db db;

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void shouldExportSubscriptionsDeliveriesLagSyncsConflictsAndRejections() {
        db.clear();
        String ann = Demo.user("Ann", null);
        String red = Demo.group("Red");
        Demo.delete("Group", red);
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady("subscription { userChanged(where: {name: {startsWith: \"Metric\"}}) { operation uid } }");
            String metric = Demo.user("Metric user", null);
            assertEquals(metric, ws.event(id).getString("uid"));

            long base = db.count("select version from app_user where uid = ?::uuid", ann);
            GraphQL.ok("mutation($u: String!) { saveUser(input: {uid: $u, name: \"Server\"}) { uid } }", "u", ann);
            SyncCall.Result result = new SyncCall()
                    .scope("users", null, Map.of(), List.of(change(ann, base, "name", "Annie", "updatedAt", java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusHours(1).toString())))
                    .scope("userGroups", null, Map.of(), List.of(change(Demo.uid(), null, "userUid", ann, "groupUid", red)))
                    .send();
            assertEquals("CONFLICT_LOST", result.reason("users", ann));

            String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(value(text, "tidemark_realtime_subscriptions") >= 1, text);
            assertTrue(value(text, "tidemark_realtime_connections") >= 1, text);
            assertTrue(value(text, "tidemark_realtime_events_delivered_total") >= 1, text);
            assertTrue(value(text, "tidemark_realtime_event_lag_seconds_count") >= 1, text);
            assertTrue(value(text, "tidemark_realtime_event_lag_seconds_max") > 0, text);
            assertTrue(value(text, "tidemark_realtime_queued_bytes") >= 0, text);
            assertTrue(value(text, "tidemark_realtime_slow_consumers_closed_total") >= 0, text);
            assertTrue(value(text, "tidemark_sync_seconds_count{outcome=\"ok\"") >= 1, text);
            assertTrue(value(text, "tidemark_sync_seconds_sum{outcome=\"ok\"") > 0, text);
            assertTrue(value(text, "tidemark_sync_conflicts_total{reason=\"CONFLICT_LOST\"") >= 1, text);
            assertTrue(value(text, "tidemark_sync_rejected_total{reason=\"PARENT_DELETED\"") >= 1, text);
            assertTrue(text.contains("tidemark_sync_rejected_total{reason=\"OUT_OF_SCOPE\""), "every reason is exported, at 0 too");
        }
    }

    @Test
    void shouldBeReadyWithTheDatabaseAndTheChangeLogListenerUp() {
        String ready = given().when().get("/q/health/ready").then().statusCode(200).extract().asString();
        assertTrue(ready.contains("change-log listener"), ready);
        assertTrue(ready.contains("\"database\""), ready);
        given().when().get("/q/health/started").then().statusCode(200); // the Deployment's startup probe
        given().when().get("/q/health/live").then().statusCode(200);
    }

    /** The value of the first sample whose line starts with {@code prefix} (name, optionally with leading labels). */
    static double value(String text, String prefix) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^\\n]*? ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), () -> "no sample " + prefix + " in\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
