package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The web client's integration suite ({@code web-client/test/integration}, vitest) against the
 * packaged server on a real PostgreSQL, over HTTP and the graphql-transport-ws socket. The
 * server's URL reaches the suite as {@code TIDEMARK_URL}; its output goes to this build's log.
 */
class WebClientIT {

    static EmbeddedPostgres postgres;
    static AppInstance server;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        server = new AppInstance("web-client", postgres.getJdbcUrl("postgres", "postgres")).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void shouldPassTheWebClientIntegrationSuiteAgainstTheRealServer() throws IOException, InterruptedException {
        String url = server.graphql().toString().replaceFirst("/graphql$", "");
        ProcessBuilder npm = new ProcessBuilder(List.of("npm", "run", "test:integration"))
                .directory(new File("web-client"))
                .redirectErrorStream(true);
        npm.environment().put("TIDEMARK_URL", url);
        npm.environment().put("CI", "true"); // vitest: no watch mode, plain output
        Process process = npm.start();
        process.getOutputStream().close();
        // Copied through System.out: a child writing to the forked JVM's own stdout corrupts failsafe's channel.
        Thread copier = new Thread(() -> copy(process.getInputStream()), "web-client-it-output");
        copier.start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        copier.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(finished, "the web client's integration suite did not finish within 10 minutes");
        assertEquals(0, process.exitValue(), "the web client's integration suite failed; its report is above in the build log");
    }

    private static void copy(InputStream output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            lines.lines().forEach(System.out::println);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
