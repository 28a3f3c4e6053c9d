package dev.tidemark.sync.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Which port pairs share one listening socket, read as Quarkus reads them (the packaged jar is checked by {@code ProdEndpointsIT}). */
class ServerPortsTest {

    @Test
    void shouldFindTheManagementPortEqualToTheHttpPort() {
        ServerPorts ports = ServerPorts.of(config(Map.of("quarkus.management.enabled", "true", "quarkus.http.port", "9000")),
                LaunchMode.NORMAL);
        assertTrue(ports.shared());
        assertEquals("quarkus.management.port and quarkus.http.port are both 9000: the management interface (health and "
                + "metrics) and the API would share one listening socket and split requests between them at random. Give "
                + "the management interface a port of its own: set quarkus.management.port (QUARKUS_MANAGEMENT_PORT) to "
                + "another port than quarkus.http.port (QUARKUS_HTTP_PORT)", ports.sharedMessage());
    }

    @Test
    void shouldReadTheTestPortsInTestMode() {
        Map<String, String> keys = Map.of("quarkus.management.enabled", "true", "quarkus.http.port", "7000",
                "quarkus.management.port", "7000", "quarkus.http.test-port", "9001");
        ServerPorts ports = ServerPorts.of(config(keys), LaunchMode.TEST);
        assertTrue(ports.shared(), "quarkus.management.test-port defaults to 9001");
        assertTrue(ports.sharedMessage().startsWith("quarkus.management.test-port and quarkus.http.test-port are both 9001"),
                ports.sharedMessage());
        assertTrue(ports.sharedMessage().endsWith("(QUARKUS_HTTP_TEST_PORT)"), ports.sharedMessage());
        assertFalse(ServerPorts.of(config(Map.of("quarkus.management.enabled", "true", "quarkus.http.port", "9000",
                "quarkus.http.test-port", "0")), LaunchMode.TEST).shared(), "the prod keys do not count in test mode");
    }

    @Test
    void shouldNotCountRandomOrDistinctPortsOrNoManagementInterface() {
        assertFalse(ServerPorts.of(config(Map.of("quarkus.management.enabled", "true", "quarkus.http.port", "0",
                "quarkus.management.port", "0")), LaunchMode.NORMAL).shared(), "port 0: a random port for each");
        assertFalse(ServerPorts.of(config(Map.of("quarkus.management.enabled", "true")), LaunchMode.NORMAL).shared(),
                "8080 and 9000");
        assertFalse(ServerPorts.of(config(Map.of("quarkus.http.port", "9000")), LaunchMode.NORMAL).shared(),
                "no management interface: health and metrics are on the application port");
    }

    private static SmallRyeConfig config(Map<String, String> keys) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(keys, "test", 100)).build();
    }
}
