package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The tailer's memory is bounded by tidemark.realtime.max-batch: a bulk write larger than it is
 * announced as RESYNC (it is never loaded whole), and many small transactions are read in pages
 * with none lost.
 */
@QuarkusTest
@TestProfile(RealtimeBulkTest.SmallBatches.class)
class RealtimeBulkTest {

    public static class SmallBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.realtime.max-batch", "3");
        }
    }

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    @Test
    void shouldAnnounceABulkWriteAsResyncAndPageSmallOnes() {
        String prefix = "Bulk-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady("""
                    subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""", "p", prefix);
            db.update("insert into app_user (uid, created_at, updated_at, name) "
                    + "select gen_random_uuid(), now(), now(), ? || i from generate_series(1, 10) i", prefix);
            assertEquals("RESYNC", ws.event(id).getString("operation"), "10 rows in one transaction > max-batch 3");
            ws.expectNothing(id, Duration.ofMillis(800));

            Set<String> created = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                created.add(Demo.user(prefix + " one by one " + i, null));
            }
            Set<String> delivered = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                JsonObject event = ws.event(id);
                assertEquals("UPSERT", event.getString("operation"));
                delivered.add(event.getString("uid"));
            }
            assertEquals(created, delivered, "small transactions read in pages of at most 3 entries, none lost");
        }
    }
}
