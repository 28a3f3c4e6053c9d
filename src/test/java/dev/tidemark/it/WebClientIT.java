package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client's integration suite ({@code web-client/test/integration}, vitest) against the
 * packaged server on a real PostgreSQL, over HTTP and the graphql-transport-ws socket. The
 * server's URL reaches the suite as {@code TIDEMARK_URL}; its output goes to this build's log.
 */
class WebClientIT {

    static PackagedServer server;

    @BeforeAll
    static void start() throws IOException {
        // A small sync row limit, so that limits.test.ts crosses it with a few thousand rows.
        server = PackagedServer.start("web-client", Map.of("TIDEMARK_SYNC_MAX_ROWS", "5000"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldPassTheWebClientIntegrationSuiteAgainstTheRealServer() throws IOException, InterruptedException {
        String url = server.url();
        int exit = NpmScript.run("test:integration", Map.of("TIDEMARK_URL", url), 10);
        assertEquals(0, exit, "the web client's integration suite failed; its report is above in the build log");
    }
}
