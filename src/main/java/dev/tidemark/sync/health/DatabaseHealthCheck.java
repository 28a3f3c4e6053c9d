package dev.tidemark.sync.health;

import java.sql.Connection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;

/**
 * Readiness of the database: UP when a pool connection answers. It replaces Quarkus' datasource
 * check ({@code quarkus.datasource.health.enabled=false}), which puts the driver's message, with the
 * database's host and port, in the health answer; this one says UP or DOWN only and logs why (once
 * when it goes down, once when it is back), so the answer reveals nothing about the deployment.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseHealthCheck.class);
    static final String NAME = "database";
    private static final int VALID_WITHIN_SECONDS = 2;

    @Inject
    AgroalDataSource dataSource;

    private volatile boolean down;

    @Override
    public HealthCheckResponse call() {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(VALID_WITHIN_SECONDS)) {
                return down("a pool connection did not answer within " + VALID_WITHIN_SECONDS + " s", null);
            }
        } catch (Exception e) {
            return down(e.getMessage(), e);
        }
        if (down) {
            down = false;
            LOG.info("Readiness: the database answers again");
        }
        return HealthCheckResponse.up(NAME);
    }

    private HealthCheckResponse down(String reason, Exception failure) {
        if (!down) {
            down = true;
            LOG.warnf(failure, "Readiness: the database is unreachable: %s", reason);
        } else {
            LOG.debugf("Readiness: the database is still unreachable: %s", reason);
        }
        return HealthCheckResponse.down(NAME);
    }
}
