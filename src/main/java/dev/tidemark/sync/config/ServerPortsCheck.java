package dev.tidemark.sync.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start a server whose management interface would listen on the application's HTTP
 * port: Quarkus would start, Vert.x would share one listening socket between the two servers, and
 * API calls, probes and metrics scrapes would each reach either server at random (404s), while the
 * slow-client defences could not tell the application's socket from the management one. The
 * migration Job mode serves nothing and is left to exit as it does. Observed right after
 * {@link MigrateAndExit}, before the other start-up observers (the change-log tailer among them) start
 * anything that the refusal would then stop mid-way.
 */
@ApplicationScoped
public class ServerPortsCheck {

    @Inject
    TidemarkConfig config;

    @Inject
    Config mpConfig;

    void onStart(@Observes @Priority(2) StartupEvent event) {
        if (config.migrateAndExit()) {
            return;
        }
        ServerPorts ports = ServerPorts.of(mpConfig, LaunchMode.current());
        if (ports.shared()) {
            throw new IllegalStateException(ports.sharedMessage());
        }
    }
}
