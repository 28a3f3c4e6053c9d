package dev.tidemark.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Another client, unrelated to the request under test: while it runs, {@code clients} threads each
 * send a small GraphQL query over their own connection, one after the other, and record every
 * answer's latency (or failure). Used to show that a hostile request leaves other clients served.
 */
public final class Bystander implements AutoCloseable {

    private static final String QUERY = "{\"query\":\"{ users(where: {name: {eq: \\\"bystander\\\"}}) { uid } }\"}";

    private final URI graphql;
    private final String token;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final List<Long> latenciesMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    private Bystander(URI graphql, String token) {
        this.graphql = graphql;
        this.token = token;
    }

    /** Starts {@code clients} bystanders against {@code graphql}, each with its own HTTP client (connection). */
    public static Bystander start(URI graphql, String token, int clients) {
        Bystander bystander = new Bystander(graphql, token);
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(bystander::loop, "bystander-" + i);
            thread.setDaemon(true);
            bystander.threads.add(thread);
            thread.start();
        }
        return bystander;
    }

    private void loop() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (running.get()) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(graphql)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(QUERY)).build(), HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (response.statusCode() == 200 && response.body().contains("\"users\"") && !response.body().contains("errors")) {
                    latenciesMillis.add(millis);
                } else {
                    failures.add(response.statusCode() + " " + response.body());
                }
                Thread.sleep(50);
            } catch (IOException e) {
                failures.add(e.toString());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Forgets the answers so far (the first ones, on cold connections, are not what is measured). */
    public void reset() {
        latenciesMillis.clear();
    }

    /** Answers received so far. */
    public int answered() {
        return latenciesMillis.size();
    }

    /** Failed or wrong answers (none expected). */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    public long maxLatencyMillis() {
        synchronized (latenciesMillis) {
            return latenciesMillis.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    /** "n answers, p50 x ms, max y ms" for the test output. */
    public String summary() {
        List<Long> sorted;
        synchronized (latenciesMillis) {
            sorted = new ArrayList<>(latenciesMillis);
        }
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
        return sorted.size() + " answers, p50 " + p50 + " ms, max " + maxLatencyMillis() + " ms, " + failures.size() + " failures";
    }

    /** Stops the clients, waiting for the answers in flight. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : threads) {
            try {
                thread.join(35_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
