package dev.tidemark.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A database migrated before engine and app migrations were split still starts: the migrations it
 * applied keep their versions, names and contents (Flyway refuses to start on a changed checksum),
 * and the engine's new migration applies on top of them.
 */
@QuarkusTest
class MigrationHistoryTest {

    /** How to reach another database of the test's PostgreSQL. */
    record Target(String url, String user, String password) {

        static Target of(String database) {
            var config = ConfigProvider.getConfig();
            return new Target(config.getValue("quarkus.datasource.jdbc.url", String.class).replaceFirst("/postgres\\b", "/" + database),
                    config.getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                    config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
        }
    }

    /** Flyway's checksums of the migrations as main applied them (one location, db/migration), before the split. */
    static final Map<String, Integer> BEFORE_SPLIT = Map.of(
            "V1__sync_engine.sql", 2007198579,
            "V2__demo_schema.sql", -1128667983,
            "V3__sync_requests.sql", 1317651628,
            "V20__change_log.sql", 779789983,
            "V21__created_by.sql", -1177245243);

    @Inject
    Db db;

    @Test
    void shouldKeepTheChecksumsOfMigrationsAppliedBeforeTheSplit() {
        Map<String, Integer> applied = db.rows("select regexp_replace(script, '^.*/', '') as file, checksum "
                + "from flyway_schema_history where version::int <= 21")
                .stream().collect(Collectors.toMap(r -> (String) r.get("file"), r -> (Integer) r.get("checksum")));
        assertEquals(BEFORE_SPLIT, applied);
    }

    @Test
    void shouldMigrateADatabaseMigratedBeforeTheSplit() throws java.sql.SQLException {
        String database = "before_split_" + System.nanoTime();
        db.update("create database " + database);
        try {
            Target target = Target.of(database);
            String url = target.url();
            String user = target.user();
            String password = target.password();
            // the state main left: V1-V21, whose files are unchanged (checked above)
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/sync", "classpath:db/app").target("21")
                    .load().migrate();
            try (var connection = java.sql.DriverManager.getConnection(url, user, password)) {
                // as main recorded them: one location, db/migration
                connection.createStatement().executeUpdate("update flyway_schema_history "
                        + "set script = regexp_replace(script, '^.*/', 'db/migration/') where version is not null");
            }
            // the app starting after the split: validates the applied migrations, then applies the engine's new ones
            // (V30: reconnect from the change log; V31: announced changes)
            var result = Flyway.configure().dataSource(url, user, password).locations("classpath:db/sync", "classpath:db/app")
                    .load().migrate();
            assertEquals(List.of("22", "30", "31"), result.migrations.stream().map(m -> m.version).toList());
            assertTrue(result.success);
        } finally {
            db.update("drop database " + database + " with (force)");
        }
    }

    /**
     * An engine upgrade on a database where the app's own migrations (from V100) ran: the engine's new
     * migration (V31) sorts below them, and the app's Flyway configuration applies it out of order
     * (Flyway's default refuses to start: "resolved migration not applied").
     */
    @Test
    void shouldApplyANewEngineMigrationBelowTheAppsMigrations() throws Exception {
        String database = "engine_upgrade_" + System.nanoTime();
        db.update("create database " + database);
        java.nio.file.Path app = java.nio.file.Files.createTempDirectory("app-migrations");
        try {
            java.nio.file.Files.writeString(app.resolve("V100__app_table.sql"), "create table app_table (uid uuid primary key);");
            Target target = Target.of(database);
            String url = target.url();
            String user = target.user();
            String password = target.password();
            // the previous engine release (up to V30), then the app's V100
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/sync", "classpath:db/app").target("30")
                    .load().migrate();
            Flyway.configure().dataSource(url, user, password).locations("filesystem:" + app).ignoreMigrationPatterns("*:missing")
                    .load().migrate();
            // the upgraded engine starting, configured as the app is
            boolean outOfOrder = ConfigProvider.getConfig().getValue("quarkus.flyway.out-of-order", Boolean.class);
            var result = Flyway.configure().dataSource(url, user, password).outOfOrder(outOfOrder)
                    .locations("classpath:db/sync", "classpath:db/app", "filesystem:" + app).load().migrate();
            assertEquals(List.of("31"), result.migrations.stream().map(m -> m.version).toList());
            try (var connection = java.sql.DriverManager.getConnection(url, user, password);
                    var rows = connection.createStatement().executeQuery("select count(*) from pg_trigger where tgname = 'sync_change_end'")) {
                rows.next();
                assertEquals(1, rows.getInt(1));
            }
        } finally {
            db.update("drop database " + database + " with (force)");
            try (var files = java.nio.file.Files.list(app)) {
                files.forEach(f -> f.toFile().delete());
            }
            java.nio.file.Files.delete(app);
        }
    }
}
