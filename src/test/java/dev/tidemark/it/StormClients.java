package dev.tidemark.it;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

/**
 * The client side of a storm: many clients, each its own user (its own token) behind its own
 * address (an {@code X-Forwarded-For} the server trusts, as behind the ingress: one client's requests
 * are limited as one client's), each on its own HTTP/1.1 connection, all sending at once. Records
 * per client the time from the storm's start to its last answer, and failures by code.
 */
final class StormClients implements AutoCloseable {

    /** What one client's request got: the answer's {@code data.sync}, or a failure code. */
    record Answer(JsonObject sync, String failure) {
    }

    private final URI graphql;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final HttpClient http;
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, AtomicInteger> sources = new ConcurrentHashMap<>();

    StormClients(URI graphql) {
        this.graphql = graphql;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The address client {@code i} is seen from (10.x.y.z, distinct per client). */
    static String address(int i) {
        return "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
    }

    /** Sends one client's sync; the future completes (never exceptionally) with its answer or failure code. */
    CompletableFuture<Answer> sync(int client, String token, String body) {
        requests.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(graphql).timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .header("X-Forwarded-For", address(client)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                return new Answer(null, "client: " + cause.getClass().getSimpleName());
            }
            return answer(response);
        });
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonObject body;
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            body = reader.readObject();
        } catch (RuntimeException e) {
            return new Answer(null, "HTTP " + response.statusCode() + " (not JSON)");
        }
        JsonArray errors = body.getJsonArray("errors");
        if (errors != null && !errors.isEmpty()) {
            JsonObject extensions = errors.getJsonObject(0).getJsonObject("extensions");
            String code = extensions == null ? "no code" : extensions.getString("code", "no code");
            return new Answer(null, (response.statusCode() == 200 ? "" : "HTTP " + response.statusCode() + " ") + code);
        }
        if (response.statusCode() != 200 || body.get("data") == null || body.get("data").getValueType() != JsonValue.ValueType.OBJECT) {
            return new Answer(null, "HTTP " + response.statusCode());
        }
        return new Answer(body.getJsonObject("data").getJsonObject("sync"), null);
    }

    /**
     * One sync of each of the first {@code count} clients, at most {@code parallel} at once (so that none
     * is refused): their answers, in client order; throws at the first failure.
     */
    List<Answer> syncEach(int count, int parallel, IntFunction<String> tokens, IntFunction<String> body) {
        List<Answer> answers = new ArrayList<>();
        for (int from = 0; from < count; from += parallel) {
            List<CompletableFuture<Answer>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + parallel); i++) {
                batch.add(sync(i, tokens.apply(i), body.apply(i)));
            }
            for (CompletableFuture<Answer> future : batch) {
                Answer answer = future.join();
                if (answer.failure() != null) {
                    throw new IllegalStateException("a client's sync before the storm failed: " + answer.failure());
                }
                answers.add(answer);
            }
        }
        return answers;
    }

    /** Records that a client finished (its last answer) {@code nanos} after the storm started, with {@code failure} or null. */
    void finished(long nanos, String failure) {
        this.nanos.add(nanos);
        if (failure != null) {
            failures.computeIfAbsent(failure, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Records how an answer's scope was answered: its {@code source}, with the {@code fallback} when compared. */
    void answeredBy(String source) {
        sources.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Answers by source, e.g. {@code {CHANGE_LOG=990, COMPARISON (TOO_MANY_CHANGES)=10}}. */
    Map<String, Integer> sources() {
        Map<String, Integer> counts = new TreeMap<>();
        sources.forEach((source, count) -> counts.put(source, count.get()));
        return counts;
    }

    /** Forgets what was recorded (after a warm-up). */
    void reset() {
        nanos.clear();
        failures.clear();
        sources.clear();
        requests.set(0);
    }

    int requests() {
        return requests.get();
    }

    /** Failures by code, e.g. {@code {RATE_LIMITED=3}}; empty when every client was answered. */
    Map<String, Integer> failures() {
        Map<String, Integer> counts = new TreeMap<>();
        failures.forEach((code, count) -> counts.put(code, count.get()));
        return counts;
    }

    int failureCount() {
        return failures.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The {@code percentile} of the clients' times, in seconds. */
    double seconds(double percentile) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e9;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
