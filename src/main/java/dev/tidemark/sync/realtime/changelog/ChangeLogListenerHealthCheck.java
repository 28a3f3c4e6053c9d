package dev.tidemark.sync.realtime.changelog;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;


/**
 * Readiness of the realtime feed: UP only while this instance's tailer holds a connection that
 * {@code LISTEN}s to {@code sync_change} and has read the change log recently (within ten poll
 * intervals, at least 30 s). A replica that is not ready gets no traffic from the Service, so no
 * client subscribes to an instance that would not deliver. The database itself is checked by
 * Quarkus' own datasource readiness check.
 */
@Readiness
@ApplicationScoped
public class ChangeLogListenerHealthCheck implements HealthCheck {

    static final String NAME = "change-log listener";

    @Inject
    ChangeLogTailer tailer;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (tailer.disabled()) {
            return response.up().withData("realtime", "disabled").build();
        }
        Instant lastRead = tailer.lastRead();
        boolean fresh = lastRead.isAfter(Instant.now().minus(tailer.staleAfter()));
        return response.status(tailer.listening() && fresh)
                .withData("listening", tailer.listening())
                .withData("lastRead", lastRead.toString())
                .build();
    }
}
