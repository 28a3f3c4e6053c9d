package dev.tidemark.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.RawWebSocket;
import dev.tidemark.support.Tokens;

/**
 * Not a test of the build (its name matches no test pattern, so {@code verify} never runs it): the
 * probe of issue 14, point 4, on the packaged server (prod profile, {@code -Xmx256m}, its own
 * PostgreSQL). One client subscribes 20 times and stops reading while 2,000 changes of 10 KB are
 * written (10 per transaction, 25 transactions a second); another client subscribes once and reads,
 * and an unrelated HTTP client sends a small query every 100 ms. Prints the server's direct memory
 * (NIO direct buffers, {@code jvm_buffer_memory_used_bytes{id="direct"}}) and RSS before, at their
 * peak and after, what the paused client got, the reading client's events and the HTTP latency. Run
 * it with {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SlowConsumerMeasurement} (another build's jar: {@code -Dtidemark.app.jar=...}; the
 * baseline without the paused client: {@code -Dprobe.paused=false}).
 */
class SlowConsumerMeasurement {

    static final String USERS = """
            subscription($e: String!) { userChanged(where: {email: {eq: $e}}) { operation uid row { name } } }""";
    static final Pattern DIRECT = Pattern.compile("(?m)^jvm_buffer_memory_used_bytes\\{[^}]*id=\"direct\"[^}]*} ([0-9.eE+-]+)$");

    @Test
    void measure() throws Exception {
        try (PackagedServer server = PackagedServer.start("slow-consumer")) {
            URI graphql = server.app.graphql();
            String email = "slow-" + UUID.randomUUID() + "@example.com";
            Peak direct = new Peak(() -> direct(graphql));
            Peak rss = new Peak(() -> server.app.rssKiB() << 10);
            boolean withPaused = !"false".equals(System.getProperty("probe.paused"));
            try (GraphQLWs reader = GraphQLWs.connect(graphql); RawWebSocket paused = withPaused ? paused(graphql, email) : null) {
                String id = reader.subscribeReady(USERS, "e", email);
                direct.start();
                rss.start();
                AtomicLong slowestHttp = new AtomicLong();
                AtomicInteger failedHttp = new AtomicInteger();
                CompletableFuture<Void> http = CompletableFuture.runAsync(() -> probeHttp(graphql, slowestHttp, failedHttp));
                long started = System.nanoTime();
                write(server.postgres.getJdbcUrl("postgres", "postgres"), email);
                int received = 0;
                for (; received < 2000; received++) {
                    if (reader.messageOrNull(id, Duration.ofSeconds(30)) == null) {
                        break;
                    }
                }
                long seconds = (System.nanoTime() - started) / 1_000_000_000;
                http.cancel(true);
                AppInstance.sleep(8000); // the paused client's close grace, then settle
                direct.stop();
                rss.stop();
                long[] skipped = new long[1];
                String end = "(no paused client)";
                try {
                    if (paused == null) {
                        throw new IllegalStateException();
                    }
                    RawWebSocket.Frame close = paused.readUntilClose(skipped);
                    end = close == null ? "the end of the connection" : "close " + close.closeCode() + " " + close.closeReason();
                } catch (AssertionError e) {
                    end = "no close within 60 s";
                } catch (IllegalStateException e) {
                    // the baseline run: nobody paused
                }
                System.out.printf("[SlowConsumerMeasurement] server direct memory %d MB before, %d MB peak, %d MB after; "
                        + "RSS %d MB before, %d MB peak, %d MB after; the reading client got %d of 2000 events in %d s; "
                        + "unrelated HTTP: slowest %d ms, %d failed; the paused client then read %d frames and %s%n",
                        direct.first >> 20, direct.max >> 20, direct.last >> 20, rss.first >> 20, rss.max >> 20, rss.last >> 20,
                        received, seconds, slowestHttp.get(), failedHttp.get(), skipped[0],
                        end);
            }
        }
    }

    /** A raw client that subscribes 20 times (each after the previous READY) and then reads nothing. */
    private static RawWebSocket paused(URI graphql, String email) {
        RawWebSocket ws = RawWebSocket.open(graphql, "graphql-transport-ws", 4096);
        ws.sendText(GraphQLWs.initMessage(Tokens.admin(graphql.resolve("/"))));
        ws.read();
        for (int i = 0; i < 20; i++) {
            ws.sendText("{\"id\":\"s" + i + "\",\"type\":\"subscribe\",\"payload\":{\"query\":"
                    + jakarta.json.Json.createValue(USERS) + ",\"variables\":{\"e\":\"" + email + "\"}}}");
            ws.read();
        }
        ws.setReadTimeout(60_000);
        return ws;
    }

    private static void write(String url, String email) throws Exception {
        String name = "x".repeat(10_000);
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                PreparedStatement insert = connection.prepareStatement(
                        "insert into app_user (uid, created_at, updated_at, name, email) values (?, now(), now(), ?, ?)")) {
            connection.setAutoCommit(false);
            for (int t = 0; t < 200; t++) {
                for (int r = 0; r < 10; r++) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, name);
                    insert.setString(3, email);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
                Thread.sleep(40);
            }
        }
    }

    private static void probeHttp(URI graphql, AtomicLong slowest, AtomicInteger failed) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(graphql).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + Tokens.admin(graphql.resolve("/")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ users(where: {email: {eq: \\\"nobody\\\"}}) { uid } }\"}"))
                .build();
        while (!Thread.currentThread().isInterrupted()) {
            long start = System.nanoTime();
            try {
                if (client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
                    failed.incrementAndGet();
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                failed.incrementAndGet();
            }
            slowest.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
        }
    }

    private static long direct(URI graphql) {
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(graphql.resolve("/q/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = DIRECT.matcher(metrics);
            return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** A value sampled every 250 ms: first, highest and last. */
    static final class Peak {
        private final java.util.function.LongSupplier source;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        volatile long first = -1;
        volatile long max = -1;
        volatile long last = -1;

        Peak(java.util.function.LongSupplier source) {
            this.source = source;
        }

        void start() {
            first = source.getAsLong();
            timer.scheduleWithFixedDelay(this::sample, 250, 250, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            long value = source.getAsLong();
            if (value >= 0) {
                max = Math.max(max, value);
            }
        }

        void stop() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
            last = source.getAsLong();
        }
    }
}
