package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo app as the packaged server serves it at {@code /}, driven in Debian's Chromium by the
 * browser suite ({@code web-client/test/browser}, playwright-core): two windows per test, on a real
 * PostgreSQL. Screenshots of every window go to {@code target/browser-screenshots/}.
 */
class DemoBrowserIT {

    static PackagedServer server;

    @BeforeAll
    static void start() throws IOException {
        server = PackagedServer.start("demo-browser");
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldServeTheDemoAtTheRoot() throws IOException, InterruptedException {
        HttpResponse<String> root = get("/");
        assertEquals(200, root.statusCode());
        assertTrue(root.body().contains("<title>Tidemark demo</title>"), "the packaged jar must hold the demo's bundle: " + root.body());
        assertEquals(200, get("/sw.js").statusCode(), "the demo's offline shell must be served");
    }

    @Test
    void shouldPassTheDemoBrowserSuiteInChromium() throws IOException, InterruptedException {
        String url = server.url();
        String screenshots = Path.of("target", "browser-screenshots").toAbsolutePath().toString();
        // the suite reads the realtime gauge from the metrics, on the management port in prod
        String metrics = "http://localhost:" + server.app.managementPort() + "/q/metrics";
        int exit = NpmScript.run("test:browser", Map.of("TIDEMARK_URL", url, "TIDEMARK_METRICS_URL", metrics,
                "SCREENSHOT_DIR", screenshots), 10);
        assertEquals(0, exit, "the demo's browser suite failed; its report is above in the build log");
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = server.app.graphql().resolve(path);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
