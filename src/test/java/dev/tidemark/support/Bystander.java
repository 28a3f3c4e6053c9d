package dev.tidemark.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Another client, with its own HTTP connection, that asks a small query again and again while a
 * test sends something hostile: the hostile request must not take it down. {@link #close()}
 * asserts that every one of its requests was answered with data and no error, and prints how long
 * the slowest took (a measurement for the reader, not an assertion: timing belongs to benchmarks).
 */
public final class Bystander implements AutoCloseable {

    static final String QUERY = "{\"query\":\"{ users(where: {name: {eq: \\\"bystander\\\"}}) { uid name } }\"}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final HttpRequest request;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Long> latencies = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final String name;

    private Bystander(URI graphql, String token, String name) {
        this.name = name;
        this.request = HttpRequest.newBuilder(graphql).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(QUERY)).build();
        this.thread = new Thread(this::run, "bystander");
    }

    /** Starts asking {@code graphql} (the {@code /graphql} URL of the test server) and returns once a first answer came. */
    public static Bystander start(URI graphql, String name) {
        Bystander bystander = new Bystander(graphql, Tokens.admin(graphql.resolve("/")), name);
        bystander.ask();
        bystander.thread.start();
        return bystander;
    }

    private void run() {
        while (running.get()) {
            ask();
        }
    }

    private void ask() {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            latencies.add(System.nanoTime() - start);
            if (response.statusCode() != 200 || !response.body().startsWith("{\"data\":{\"users\":") || response.body().contains("\"errors\"")) {
                failures.add(response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            failures.add(e.toString());
        }
    }

    /** Stops, asks once more (right after the hostile request), prints the latencies, and asserts it was served every time. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(Duration.ofSeconds(70).toMillis());
        ask();
        long max = latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("bystander during %s: %d requests, slowest %.1f ms, %d failed%n", name, latencies.size(), max / 1e6,
                failures.size());
        assertEquals(List.of(), failures, "the other client must be served normally during and after " + name);
    }
}
