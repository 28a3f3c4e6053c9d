package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.RawWebSocket;
import dev.tidemark.support.RealtimeLoad;
import dev.tidemark.support.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Slow consumers (issue 14, point 4): clients that subscribe 20 times and then stop reading while
 * 2,000 changes of 10 KB are written. The server keeps what waits for them bounded
 * ({@code tidemark.realtime.max-queued-bytes-per-connection}, 8 MiB, on the heap, not in Netty's
 * direct buffers), closes them with 1013 and frees it; another client's subscription receives every
 * change meanwhile and HTTP requests keep being answered. The numbers (direct memory, queued bytes,
 * the other client's lag, HTTP latency) are printed, not asserted as speeds.
 */
@QuarkusTest
@TestProfile(RealtimeLoad.class)
class SlowConsumerTest {

    static final int SUBSCRIPTIONS = 20;
    static final int CHANGES = 2000;
    static final int PER_TRANSACTION = 10;
    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    MeterRegistry registry;

    @Test
    void shouldCloseClientsThatStopReadingAndKeepServingTheOthers() throws Exception {
        String prefix = "Slow-" + Demo.uid() + "-";
        double closedBefore = slowConsumersClosed();
        try (GraphQLWs fast = GraphQLWs.connect(graphql);
                RawWebSocket resumes = pausedSubscriber(prefix);
                RawWebSocket neverReads = pausedSubscriber(prefix)) {
            String id = fast.subscribeReady(USERS, "p", prefix);
            long directBefore = directMemory();
            Sampler sampler = new Sampler();
            HttpProbe probe = new HttpProbe();
            // The client that resumes reading once it has been cast off must find the close frame after its backlog.
            CompletableFuture<RawWebSocket.Frame> resumed = CompletableFuture.supplyAsync(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> slowConsumersClosed() > closedBefore);
                return resumes.readUntilClose(new long[1]);
            });
            Map<String, Long> committed = new ConcurrentHashMap<>();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(prefix, committed));
            long[] lags = new long[CHANGES];
            for (int i = 0; i < CHANGES; i++) {
                if (writer.isCompletedExceptionally()) {
                    writer.join();
                }
                JsonObject event = fast.event(id);
                long arrived = System.nanoTime();
                assertEquals("UPSERT", event.getString("operation"));
                lags[i] = arrived - committed.getOrDefault(event.getString("uid"), arrived);
                sampler.sample();
            }
            writer.get(60, TimeUnit.SECONDS);
            probe.stop();
            Arrays.sort(lags);
            System.out.printf("slow consumers: direct memory %d MB before, %d MB at most; queued bytes at most %d KB;"
                    + " the other client's lag p50 %d ms, p99 %d ms, max %d ms; %d HTTP requests meanwhile (%d failed),"
                    + " slowest %d ms%n", directBefore >> 20, sampler.maxDirect.get() >> 20, sampler.maxQueued.get() >> 10,
                    lags[CHANGES / 2] / 1_000_000, lags[CHANGES * 99 / 100] / 1_000_000, lags[CHANGES - 1] / 1_000_000,
                    probe.answered.get(), probe.failed.get(), probe.slowestMillis.get());
            assertEquals(0, probe.failed.get(), "every HTTP request was answered (status 200) meanwhile");
            long limit = 8L << 20;
            assertTrue(sampler.maxQueued.get() <= 3 * limit, "at most the bound per connection: " + sampler.maxQueued.get());
            assertTrue(sampler.maxDirect.get() - directBefore < 64L << 20,
                    "frames wait on the heap, not in Netty's direct buffers: +" + ((sampler.maxDirect.get() - directBefore) >> 20) + " MB");

            RawWebSocket.Frame close = resumed.get(60, TimeUnit.SECONDS);
            assertNotNull(close, "the client that resumed reading got a close frame after its backlog");
            assertEquals(1013, close.closeCode(), close.closeReason());
            assertTrue(close.closeReason().startsWith("too slow"), close.closeReason());
            neverReads.readUntilClose(new long[1]); // the server dropped it: its backlog, then the end, not a timeout
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> queuedBytes() == 0);
            System.out.printf("slow consumers closed: direct memory %d MB%n", directMemory() >> 20);
            assertEquals(closedBefore + 2, slowConsumersClosed(), "both paused clients were cast off");
        }
    }

    /** A raw client that subscribes {@link #SUBSCRIPTIONS} times, reads the READYs, then reads nothing more. */
    private RawWebSocket pausedSubscriber(String prefix) {
        RawWebSocket ws = RawWebSocket.open(graphql, "graphql-transport-ws", 4096);
        ws.sendText(GraphQLWs.initMessage(Tokens.admin()));
        assertTrue(ws.read().text().contains("connection_ack"));
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
            ws.sendText("{\"id\":\"s" + i + "\",\"type\":\"subscribe\",\"payload\":{\"query\":"
                    + jakarta.json.Json.createValue(USERS) + ",\"variables\":{\"p\":\"" + prefix + "\"}}}");
            String ready = ws.read().text();
            assertTrue(ready.contains("READY"), ready);
        }
        return ws;
    }

    /** {@link #CHANGES} users of 10 KB each, {@link #PER_TRANSACTION} per transaction, 25 transactions a second. */
    private void write(String prefix, Map<String, Long> committed) {
        String padding = "x".repeat(10_000);
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        try (Connection connection = DriverManager.getConnection(url, "postgres", "postgres");
                PreparedStatement insert = connection.prepareStatement(
                        "insert into app_user (uid, created_at, updated_at, name) values (?, now(), now(), ?)")) {
            connection.setAutoCommit(false);
            for (int t = 0; t < CHANGES / PER_TRANSACTION; t++) {
                List<String> uids = new ArrayList<>();
                for (int r = 0; r < PER_TRANSACTION; r++) {
                    String uid = UUID.randomUUID().toString();
                    insert.setObject(1, UUID.fromString(uid));
                    insert.setString(2, prefix + (t * PER_TRANSACTION + r) + padding);
                    insert.addBatch();
                    uids.add(uid);
                }
                insert.executeBatch();
                connection.commit();
                long now = System.nanoTime();
                uids.forEach(uid -> committed.put(uid, now));
                Thread.sleep(40);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The gauge {@code tidemark_realtime_queued_bytes}: bytes waiting for all realtime sockets. */
    private long queuedBytes() {
        Gauge gauge = registry.find("tidemark.realtime.queued").gauge();
        return gauge == null ? -1 : (long) gauge.value();
    }

    private double slowConsumersClosed() {
        Counter counter = registry.find("tidemark.realtime.slow.consumers.closed").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Direct memory of this JVM (server and test clients): NIO direct buffers plus Netty's own count, if it keeps one. */
    static long directMemory() {
        long bytes = Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                bytes += pool.getMemoryUsed();
            }
        }
        return bytes;
    }

    /** Highest direct memory and queued bytes seen. */
    private final class Sampler {
        final AtomicLong maxDirect = new AtomicLong();
        final AtomicLong maxQueued = new AtomicLong();

        void sample() {
            maxDirect.accumulateAndGet(directMemory(), Math::max);
            maxQueued.accumulateAndGet(queuedBytes(), Math::max);
        }
    }

    /** An unrelated HTTP client: a small query every 50 ms, each with a 10 s timeout. */
    private final class HttpProbe {
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong slowestMillis = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        HttpProbe() {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(graphql).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + Tokens.admin())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"{ users(where: {name: {eq: \\\"nobody\\\"}}) { uid } }\"}"))
                    .build();
            thread = new Thread(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        (response.statusCode() == 200 ? answered : failed).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "http-probe");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(15_000);
        }
    }
}
