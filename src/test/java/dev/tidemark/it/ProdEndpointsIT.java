package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What answers where in production: the packaged jar (prod profile) serves the API, the schema and
 * the demo on its application port, which the Service and the Ingress expose, and health and metrics
 * only on its management port, which they do not; GraphiQL is off unless switched on. Both ports on
 * one number is refused at start.
 */
class ProdEndpointsIT {

    static final List<String> MANAGEMENT = List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/health/started",
            "/q/metrics");

    static PackagedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = PackagedServer.start("prod-endpoints");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldServeTheApiOnTheApplicationPortAndHealthAndMetricsOnlyOnTheManagementPort() {
        AppInstance app = server.app;
        HttpResponse<String> schema = app.get("/graphql/schema.graphql");
        assertEquals(200, schema.statusCode(), "the schema is public");
        assertTrue(schema.body().contains("type Query"), schema.body());
        assertTrue(app.post("{ syncSchema { version } }", "{}").contains("\"version\""), "the API");
        assertEquals(200, app.get("/").statusCode(), "the demo");
        for (String path : MANAGEMENT) {
            assertEquals(404, app.get(path).statusCode(), path + " must not answer on the application port");
            assertEquals(200, app.management(path).statusCode(), path + " answers on the management port");
        }
        assertTrue(app.management("/q/metrics").body().contains("tidemark_realtime_connections"), "Tidemark's metrics");
        assertEquals(404, app.management("/graphql").statusCode(), "the API is not on the management port");
        assertEquals(404, app.get("/q/graphql-ui/").statusCode(), "GraphiQL is off in prod");
    }

    @Test
    void shouldServeGraphiQLWhenSwitchedOn() {
        try (AppInstance withUi = new AppInstance("prod-graphiql", server.postgres.getJdbcUrl("postgres", "postgres"))
                .env("QUARKUS_SMALLRYE_GRAPHQL_UI_ENABLED", "true").start()) {
            HttpResponse<String> graphiql = withUi.get("/q/graphql-ui/");
            assertEquals(200, graphiql.statusCode());
            assertTrue(graphiql.body().toLowerCase().contains("graphiql"), graphiql.body());
        }
    }

    /**
     * Vert.x would share one listening socket between the API and the management interface and split
     * requests between them: the server refuses to start and says which keys and which port.
     */
    @Test
    void shouldRefuseToStartWithTheManagementPortEqualToTheHttpPort() throws IOException {
        Files.deleteIfExists(Path.of("target", "it-prod-shared-port.log")); // the log is appended to
        AppInstance shared = new AppInstance("prod-shared-port", server.postgres.getJdbcUrl("postgres", "postgres"));
        shared.env("QUARKUS_MANAGEMENT_PORT", String.valueOf(shared.port()));
        int exit = shared.runToExit();
        String log = shared.log();
        assertNotEquals(0, exit, "refused at start; see target/it-prod-shared-port.log");
        assertTrue(log.contains("quarkus.management.port and quarkus.http.port are both " + shared.port()
                + ": the management interface (health and metrics) and the API would share one listening socket"), log);
        assertTrue(log.contains("set quarkus.management.port (QUARKUS_MANAGEMENT_PORT) to another port than quarkus.http.port"), log);
        assertFalse(log.contains("Address already in use"), "refused for sharing its port, not for finding it taken");
    }
}
