package dev.tidemark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Bystander;
import dev.tidemark.support.Hostile;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The cost of refusing the hostile requests of issue 14 (points 1 and 2):
 * {@code ./mvnw test -Pbenchmark -Dtest=HostileRequestBenchmark [-Dbench.runs=5]}; {@code ./mvnw verify}
 * runs it once with one run per request ({@link BenchSize}). For each request it prints how it was answered, the time to answer it
 * (p50 and max over the runs) and the peak heap above the level before it (sampled every 5 ms,
 * after a GC; server and client share this JVM, garbage included), then sends it as many times
 * again while a bystander client keeps asking a small query, and prints the bystander's slowest
 * answer.
 */
@QuarkusTest
@Tag("benchmark")
class HostileRequestBenchmark {

    static final String USERS = "query($w: UserWhere) { users(where: $w) { uid } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void measure() throws Exception {
        BenchSize.announce("HostileRequestBenchmark");
        int runs = BenchSize.of("bench.runs", 5, 1);
        Map<String, IntFunction<String>> cases = new LinkedHashMap<>();
        cases.put("fragment bomb F30 (1.2 KB)", run -> Hostile.body(Hostile.fragmentBomb("{ users { %s } }", 30, 2)));
        cases.put("wide fragment bomb, 7 levels x 10", run -> Hostile.body(Hostile.fragmentBomb("{ users { %s } }", 7, 10)));
        cases.put("600-fragment chain (a new document each run)", run -> Hostile.body(
                Hostile.fragmentBomb("query C" + run + " { users { %s } }", 600, 1)));
        cases.put("5,000-wide and", run -> Hostile.body(USERS, "w", Map.of("and", Hostile.equalities(5000))));
        cases.put("5,000-wide or", run -> Hostile.body(USERS, "w", Map.of("or", Hostile.equalities(5000))));
        System.out.printf("%n%-46s | %-70s | %8s | %8s | %10s%n", "request", "answer", "p50 ms", "max ms", "heap MiB");
        for (Map.Entry<String, IntFunction<String>> hostile : cases.entrySet()) {
            measure(hostile.getKey(), hostile.getValue(), runs);
        }
    }

    private void measure(String name, IntFunction<String> body, int runs) throws Exception {
        List<String> bodies = IntStream.range(0, 2 * runs).mapToObj(body::apply).toList();
        long[] millis = new long[runs];
        long peak = 0;
        String answer = "";
        for (int run = 0; run < runs; run++) { // alone: the heap is this request's
            System.gc();
            HeapSampler heap = new HeapSampler();
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(request(bodies.get(run)), HttpResponse.BodyHandlers.ofString());
            millis[run] = (System.nanoTime() - start) / 1_000_000;
            peak = Math.max(peak, heap.stop());
            answer = response.statusCode() + " " + response.body().replaceAll(".*\"code\":\"([A-Z_]+)\".*", "$1")
                    + " " + response.body().replaceAll("^\\{\"errors\":\\[\\{\"message\":\"([^\"]{0,50}).*", "$1");
        }
        try (Bystander bystander = Bystander.start(graphql, name)) { // then again, while another client asks
            for (int run = runs; run < 2 * runs; run++) {
                http.send(request(bodies.get(run)), HttpResponse.BodyHandlers.ofString());
            }
        }
        Arrays.sort(millis);
        System.out.printf("%-46s | %-70.70s | %8d | %8d | %10.1f%n", name, answer, millis[runs / 2], millis[runs - 1], peak / 1048576.0);
    }

    private HttpRequest request(String body) {
        return HttpRequest.newBuilder(graphql).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + Tokens.admin(graphql.resolve("/")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The largest heap use above the level it started at, sampled every 5 ms until stopped. */
    private static final class HeapSampler {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final long base = memory.getHeapMemoryUsage().getUsed();
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::sample, "heap-sampler");

        HeapSampler() {
            thread.start();
        }

        private void sample() {
            while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed() - base, Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return Math.max(0, peak.get());
        }
    }
}
