package dev.tidemark.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;

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

    @Inject
    AgroalDataSource dataSource;

    @Test
    void shouldPruneEntriesOlderThanTheRetention() throws SQLException {
        String user = Demo.uid();
        // The write and the check in one transaction: the entry is seen before the pruner can run,
        // however long the machine takes between two statements (2 s passed under load).
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "insert into app_user (uid, created_at, updated_at, name) values (?::uuid, now(), now(), 'Pruned')")) {
                insert.setString(1, user);
                insert.executeUpdate();
            }
            try (PreparedStatement logged = c.prepareStatement("select count(*) from sync_change where row_uid = ?::uuid")) {
                logged.setString(1, user);
                try (ResultSet rs = logged.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getLong(1) > 0, "the write was logged");
                }
            }
            c.commit();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> db.count("select count(*) from sync_change where row_uid = ?::uuid", user) == 0);
    }
}
