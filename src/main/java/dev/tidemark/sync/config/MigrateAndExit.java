package dev.tidemark.sync.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code tidemark.migrate-and-exit=true}: Flyway has migrated the schema during start-up (it runs
 * before {@link StartupEvent}), so the process exits with 0, or with 2 if migration at start is
 * switched off (the Job would then report success without migrating).
 */
@ApplicationScoped
public class MigrateAndExit {

    private static final Logger LOG = Logger.getLogger(MigrateAndExit.class);

    @Inject
    TidemarkConfig config;

    @ConfigProperty(name = "quarkus.flyway.migrate-at-start", defaultValue = "false")
    boolean migrateAtStart;

    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (!config.migrateAndExit()) {
            return;
        }
        if (!migrateAtStart) {
            LOG.error("tidemark.migrate-and-exit=true needs quarkus.flyway.migrate-at-start=true; nothing migrated");
            Quarkus.asyncExit(2);
            return;
        }
        LOG.info("Database migrated (tidemark.migrate-and-exit=true); exiting");
        Quarkus.asyncExit(0);
    }
}
