package dev.tidemark.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Change-log entries older than {@code tidemark.realtime.retention} are deleted by the tailer. */
@QuarkusTest
@TestProfile(ChangeLogRetentionTest.ShortRetention.class)
class ChangeLogRetentionTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.realtime.retention", "2s");
        }
    }

    @Inject
    Db db;

    @Test
    void shouldPruneEntriesOlderThanTheRetention() {
        String user = Demo.user("Pruned", null);
        assertTrue(db.count("select count(*) from sync_change where row_uid = ?::uuid", user) > 0, "the write was logged");
        await().atMost(Duration.ofSeconds(15)).until(() -> db.count("select count(*) from sync_change where row_uid = ?::uuid", user) == 0);
    }
}
