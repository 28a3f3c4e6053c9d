package dev.tidemark.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.tidemark.support.Tokens;

/**
 * One server instance: the packaged application ({@code target/quarkus-app/quarkus-run.jar}) run
 * as its own process in the prod profile against a given PostgreSQL, as in production.
 */
final class AppInstance implements AutoCloseable {

    /** How long an instance may take to start: a 2-core machine shared with other builds at load 15 took 58 s. */
    static final long READY_SECONDS = Long.getLong("it.readySeconds", 180);

    private final String name;
    private final String jdbcUrl;
    private final int port;
    private final int managementPort;
    private Process process;
    private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    private String heap = "-Xmx256m";

    AppInstance(String name, String jdbcUrl) {
        this.name = name;
        this.jdbcUrl = jdbcUrl;
        this.port = freePort();
        // Distinct: the system may hand the port just closed out again, and Vert.x would then share one
        // socket between the HTTP server and the management interface (requests split between them).
        int management = freePort();
        while (management == port) {
            management = freePort();
        }
        this.managementPort = management;
    }

    /** An extra environment variable for the process (set before {@link #start}). */
    AppInstance env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The heap limit of the process ({@code -Xmx384m}, as a Kubernetes replica gets; 256 MiB unless set before {@link #start}). */
    AppInstance heap(String maxHeap) {
        this.heap = "-Xmx" + maxHeap;
        return this;
    }

    int port() {
        return port;
    }

    /** The operating-system process id (for /proc, jstat and jcmd). */
    long pid() {
        return process.pid();
    }

    /** The management port (prod profile): health and metrics are served there, not on {@link #port}. */
    int managementPort() {
        return managementPort;
    }

    /** Resident memory of the process (VmRSS, Linux), in KiB; -1 if unknown. */
    long rssKiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** SIGKILL: the replica dies mid-stream, without closing its sockets or finishing requests. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the process to its end (a one-shot mode such as the migration Job), returning its exit code. */
    int runToExit() {
        launch();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("instance " + name + " did not exit within 120 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the instance and waits until it is ready; one that does not get ready is killed (no stray server is left). */
    AppInstance start() {
        File log = launch();
        try {
            awaitReady(log);
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    private File launch() {
        String jar = System.getProperty("tidemark.app.jar", "target/quarkus-app/quarkus-run.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, heap, "-jar", jar));
        builder.environment().put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        builder.environment().put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        builder.environment().put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        builder.environment().put("TIDEMARK_REALTIME_POLL_INTERVAL", "200ms");
        // every client of an IT shares the loopback address (as in the test profile, application.properties)
        builder.environment().put("TIDEMARK_LIMITS_REQUESTS_PER_MINUTE", "1000000");
        builder.environment().put("TIDEMARK_LIMITS_REQUEST_BURST", "100000");
        builder.environment().put("TIDEMARK_LIMITS_MAX_CONNECTIONS_PER_CLIENT", "0");
        builder.environment().put("TIDEMARK_LIMITS_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT", "0");
        builder.environment().putAll(Tokens.serverEnvironment());
        builder.environment().putAll(env);
        File log = Path.of("target", "it-" + name + ".log").toFile();
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return log;
    }

    URI graphql() {
        return URI.create("http://localhost:" + port + "/graphql");
    }

    /** POSTs a GraphQL document with a JSON variables object, as an admin; returns the response body. */
    String post(String document, String variablesJson) {
        return request(document, variablesJson).body();
    }

    /** POSTs a GraphQL document with a JSON variables object, as an admin; returns the response. */
    HttpResponse<String> request(String document, String variablesJson) {
        String body = "{\"query\":" + quote(document) + ",\"variables\":" + variablesJson + "}";
        return send(HttpRequest.newBuilder(graphql()).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Tokens.admin(graphql().resolve("/")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GETs {@code path} (e.g. {@code /graphql/schema.graphql}) on this instance's HTTP port. */
    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30)).build());
    }

    /** GETs {@code path} (e.g. {@code /q/health/ready}) on this instance's management port. */
    HttpResponse<String> management(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path)).timeout(Duration.ofSeconds(30))
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the instance has logged so far. */
    String log() {
        try {
            return java.nio.file.Files.readString(Path.of("target", "it-" + name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as Kubernetes sends it, and waits for the process to end. */
    void terminate() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            terminate();
        }
    }

    private void awaitReady(File log) {
        Instant deadline = Instant.now().plusSeconds(READY_SECONDS);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("instance " + name + " exited at start-up; see " + log);
            }
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + managementPort + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("instance " + name + " not ready within " + READY_SECONDS + " s; see " + log);
    }

    static String quote(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
