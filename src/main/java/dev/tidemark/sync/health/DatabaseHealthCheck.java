package dev.tidemark.sync.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the database: UP while the {@link DatabaseWatch} finds it answering. It replaces
 * Quarkus' datasource check ({@code quarkus.datasource.health.enabled=false}), which puts the
 * driver's message, with the database's host and port, into the health answer; this one says UP or
 * DOWN only (the watch logs why), and answers at once, without waiting for the database.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    static final String NAME = "database";

    @Inject
    DatabaseWatch watch;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME).status(watch.up()).build();
    }
}
