package dev.tidemark.sync.devdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Starts a real, embedded PostgreSQL for the dev and test profiles when no datasource URL is
 * configured, and points the default datasource at it.
 *
 * <p>It never starts in any other profile (prod included), and never when
 * {@code quarkus.datasource.jdbc.url} (or {@code QUARKUS_DATASOURCE_JDBC_URL}) is set. The
 * server is started once per JVM: Quarkus builds configuration several times (build, static and
 * runtime init, each test application), possibly in different class loaders, so the running
 * instance is recorded in a system property rather than a static field.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    static final String ENABLED = "tidemark.embedded-postgres.enabled";
    static final String PORT = "tidemark.embedded-postgres.port";
    static final String DATA_DIR = "tidemark.embedded-postgres.data-dir";
    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    private static final String RUNNING_URL = "dev.tidemark.embedded-postgres-url";
    private static final List<String> ALLOWED_PROFILES = List.of("dev", "test");
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresConfigSourceFactory.class);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        if (!shouldStart(context, profiles)) {
            return List.of();
        }
        String url = System.getProperty(RUNNING_URL);
        if (url == null) {
            url = start(context, profiles);
        }
        return List.of(new MapBackedConfigSource("tidemark-embedded-postgres", Map.of(
                JDBC_URL, url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres"), 150) {
        });
    }

    /** Embedded only in dev/test, only when enabled, and only when no real database URL is set. */
    static boolean shouldStart(ConfigSourceContext context, List<String> profiles) {
        boolean devOrTest = profiles.stream().anyMatch(ALLOWED_PROFILES::contains);
        if (!devOrTest || profiles.contains("prod")) {
            return false;
        }
        if (!"true".equalsIgnoreCase(lookup(context, profiles, ENABLED, "true"))) {
            return false;
        }
        return lookup(context, profiles, JDBC_URL, null) == null;
    }

    private static synchronized String start(ConfigSourceContext context, List<String> profiles) {
        String running = System.getProperty(RUNNING_URL);
        if (running != null) {
            return running;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(Integer.parseInt(lookup(context, profiles, PORT, "0")));
            String dataDir = lookup(context, profiles, DATA_DIR, null);
            if (dataDir != null && !dataDir.isBlank()) {
                Path dir = Path.of(dataDir).toAbsolutePath();
                Files.createDirectories(dir.getParent());
                builder.setDataDirectory(dir).setCleanDataDirectory(false);
            }
            EmbeddedPostgres postgres = builder.start();
            String url = postgres.getJdbcUrl("postgres", "postgres");
            System.setProperty(RUNNING_URL, url);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres), "embedded-postgres-stop"));
            LOG.infof("Started embedded PostgreSQL at %s (profiles %s; set %s to use another database)",
                    url, profiles, "QUARKUS_DATASOURCE_JDBC_URL");
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL. Set QUARKUS_DATASOURCE_JDBC_URL "
                    + "to use an existing database, or " + ENABLED + "=false", e);
        }
    }

    /** Reads a key the way the active profiles would see it: the profiled value wins. */
    private static String lookup(ConfigSourceContext context, List<String> profiles, String key, String fallback) {
        for (String profile : profiles) {
            String value = valueOf(context.getValue("%" + profile + "." + key));
            if (value != null) {
                return value;
            }
        }
        String value = valueOf(context.getValue(key));
        return value != null ? value : fallback;
    }

    private static String valueOf(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank() ? null : value.getValue();
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(150);
    }
}
