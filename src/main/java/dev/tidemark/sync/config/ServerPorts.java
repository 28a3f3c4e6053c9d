package dev.tidemark.sync.config;

import java.util.Locale;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.LaunchMode;

/**
 * The ports Quarkus gives the application's HTTP server and the management interface (health and
 * metrics), read the way Quarkus reads them: the {@code test-port} keys in test mode, 0 for a random
 * port of each server's own.
 */
public record ServerPorts(String httpKey, int http, boolean managementEnabled, String managementKey, int management) {

    /** Quarkus' defaults when a key is not set: {@code port}, {@code test-port}. */
    private static final int HTTP_PORT = 8080;
    private static final int HTTP_TEST_PORT = 8081;
    private static final int MANAGEMENT_PORT = 9000;
    private static final int MANAGEMENT_TEST_PORT = 9001;

    public static ServerPorts of(Config config, LaunchMode mode) {
        boolean test = mode == LaunchMode.TEST;
        String httpKey = test ? "quarkus.http.test-port" : "quarkus.http.port";
        String managementKey = test ? "quarkus.management.test-port" : "quarkus.management.port";
        return new ServerPorts(httpKey, port(config, httpKey, test ? HTTP_TEST_PORT : HTTP_PORT),
                config.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false),
                managementKey, port(config, managementKey, test ? MANAGEMENT_TEST_PORT : MANAGEMENT_PORT));
    }

    /**
     * True when the management interface is on and both servers are given one fixed port: Vert.x then
     * shares one listening socket between them and splits requests between the two. Port 0 is not
     * shared: each server gets a random port of its own.
     */
    public boolean shared() {
        return managementEnabled && management != 0 && management == http;
    }

    /** What is wrong with shared ports and what to do, for an operator (names keys, never classes). */
    public String sharedMessage() {
        return managementKey + " and " + httpKey + " are both " + http + ": the management interface (health and "
                + "metrics) and the API would share one listening socket and split requests between them at random. "
                + "Give the management interface a port of its own: set " + managementKey + " (" + environmentName(managementKey)
                + ") to another port than " + httpKey + " (" + environmentName(httpKey) + ")";
    }

    private static int port(Config config, String key, int quarkusDefault) {
        return config.getOptionalValue(key, Integer.class).orElse(quarkusDefault);
    }

    private static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
