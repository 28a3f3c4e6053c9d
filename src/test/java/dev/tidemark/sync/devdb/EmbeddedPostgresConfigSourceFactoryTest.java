package dev.tidemark.sync.devdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

/** The embedded database starts only in dev/test, only when enabled, and never over a configured URL. */
class EmbeddedPostgresConfigSourceFactoryTest {

    @Test
    void shouldStartInDevAndTestWithoutAUrl() {
        assertTrue(EmbeddedPostgresConfigSourceFactory.shouldStart(context(Map.of()), List.of("dev")));
        assertTrue(EmbeddedPostgresConfigSourceFactory.shouldStart(context(Map.of()), List.of("test")));
    }

    @Test
    void shouldNeverStartInProd() {
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(context(Map.of()), List.of("prod")));
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(
                context(Map.of("tidemark.embedded-postgres.enabled", "true")), List.of("prod")));
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(context(Map.of()), List.of("staging")));
    }

    @Test
    void shouldNotStartWhenARealDatabaseIsConfigured() {
        Map<String, String> url = Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://db:5432/app");
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(context(url), List.of("dev")));
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(
                context(Map.of("%test.quarkus.datasource.jdbc.url", "jdbc:postgresql://db:5432/app")), List.of("test")));
    }

    @Test
    void shouldNotStartWhenDisabled() {
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(
                context(Map.of("tidemark.embedded-postgres.enabled", "false")), List.of("dev")));
        assertFalse(EmbeddedPostgresConfigSourceFactory.shouldStart(
                context(Map.of("%dev.tidemark.embedded-postgres.enabled", "false")), List.of("dev")));
    }

    private static ConfigSourceContext context(Map<String, String> values) {
        return new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                return ConfigValue.builder().withName(name).withValue(values.get(name)).build();
            }

            @Override
            public List<ConfigSource> getConfigSources() {
                return List.of();
            }

            @Override
            public Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }
        };
    }
}
