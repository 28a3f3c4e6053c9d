package dev.tidemark.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;

/**
 * Realtime benchmark: {@code ./mvnw test -Pbenchmark -Dtest=RealtimeBenchmark [-Dbench.shape=a|b]
 * [-Dbench.seconds=20] [-Dbench.a.subscriptions=5000] [-Dbench.b.subscriptions=1000]}; {@code ./mvnw verify}
 * runs both shapes once with 100 and 50 subscriptions for a second ({@link BenchSize}). Prints commit-to-delivery latency p50/p99 and heap per idle
 * subscription for the two shapes of issue 4:
 * (a) 5,000 subscriptions on distinct scopes, 200 writes/s each matching 50 of them;
 * (b) 1,000 subscriptions on one scope, 20 writes/s (20,000 deliveries/s).
 * Server, PostgreSQL and the load generator (real graphql-transport-ws clients, JDBC writer) share
 * the machine. Latency is from the writer's commit returning to the client receiving the message.
 */
@QuarkusTest
@TestProfile(RealtimeBenchmark.Profile.class)
@Tag("benchmark")
class RealtimeBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.realtime.max-subscriptions-per-connection", "1000",
                    "tidemark.realtime.max-queued-bytes-per-connection", System.getProperty("bench.max-queued-bytes", "8M"),
                    "tidemark.limits.connection-burst", "100000", "tidemark.limits.connections-per-minute", "1000000",
                    "quarkus.log.level", "WARN");
        }
    }

    static final int WARMUP_SECONDS = BenchSize.smoke() ? 1 : 5;
    /** The group whose renames shape (c) writes; every second subscription of shape (c) is two relations away from it. */
    static final UUID GROUP = UUID.randomUUID();

    @TestHTTPResource("/graphql")
    URI graphql;

    @Test
    void run() throws Exception {
        BenchSize.announce("RealtimeBenchmark");
        int seconds = BenchSize.of("bench.seconds", 20, 1);
        // (c) first: it measures the first run after a start, so it must be the first thing this server does.
        for (String shape : System.getProperty("bench.shape", "c,a,b,d,idle").split(",")) {
            if (shape.equals("c")) {
                shapeC(seconds);
            } else if (shape.equals("idle")) {
                IdleSubscriptions.measure(graphql, BenchSize.of("bench.idle.subscriptions", 50_000, 200),
                        BenchSize.of("bench.idle.per-connection", 500, 50));
            } else if (shape.equals("d")) {
                int subscriptions = BenchSize.of("bench.d.subscriptions", 5000, 100);
                int writes = BenchSize.of("bench.d.writes-per-second", 400, 20);
                int matches = Math.max(1, subscriptions / 100);
                measure("d: " + subscriptions + " distinct scopes, " + writes + " writes/s x " + matches + " matches", subscriptions, 100,
                        writes, matches, WARMUP_SECONDS, seconds,
                        i -> "{name: {startsWith: \"bench-d" + (i % 100) + "-\"}, email: {ne: \"s" + i + "\"}}",
                        w -> "bench-d" + (w % 100) + "-w" + w + ";", w -> false);
            } else if (shape.equals("a")) {
                int subscriptions = BenchSize.of("bench.a.subscriptions", 5000, 100);
                int writes = BenchSize.of("bench.a.writes-per-second", 200, 20);
                int matches = Math.max(1, subscriptions / 100); // 100 name prefixes, one per write
                measure("a: " + subscriptions + " distinct scopes, " + writes + " writes/s x " + matches + " matches", subscriptions, 100,
                        writes, matches, WARMUP_SECONDS, seconds,
                        i -> "{name: {startsWith: \"bench-a" + (i % 100) + "-\"}, email: {ne: \"s" + i + "\"}}",
                        w -> "bench-a" + (w % 100) + "-w" + w + ";", w -> false);
            } else {
                int subscriptions = BenchSize.of("bench.b.subscriptions", 1000, 50);
                int writes = BenchSize.of("bench.b.writes-per-second", 20, 5);
                measure("b: " + subscriptions + " subscriptions on one scope, " + writes + " writes/s", subscriptions, 100, writes,
                        subscriptions, WARMUP_SECONDS, seconds,
                        i -> "{name: {startsWith: \"bench-b-\"}}",
                        w -> "bench-b-w" + w + ";", w -> false);
            }
        }
    }

    /**
     * (c) the slow first run: 200 clients x 2 subscriptions (one on a name prefix shared by 10
     * clients, one on the members of a group, two relations away), 50 writes/s of which 10 % rename
     * that group (a RESYNC to 200 subscriptions each). Run twice right after the start, no warm-up:
     * the first run is what users saw after a deploy, the second the same server warm.
     */
    private void shapeC(int seconds) throws Exception {
        int clients = BenchSize.of("bench.c.clients", 200, 20);
        int writes = BenchSize.of("bench.c.writes-per-second", 50, 10);
        int measured = BenchSize.of("bench.c.seconds", 10, 1);
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
                PreparedStatement group = connection.prepareStatement(
                        "insert into app_group (uid, created_at, updated_at, name) values (?, now(), now(), 'bench-c-group')"
                                + " on conflict do nothing")) {
            group.setObject(1, GROUP);
            group.executeUpdate();
        }
        for (String run : new String[] { "first run after the start", "second run" }) {
            measure("c (" + run + "): " + clients + " clients x 2 subscriptions, " + writes + " writes/s, 10 % group renames",
                    clients * 2, 2, writes, clients / 20, 0, measured,
                    i -> i % 2 == 0 ? "{name: {startsWith: \"bench-c" + (i / 2 % 20) + "-\"}}"
                            : "{memberships: {some: {group: {name: {startsWith: \"bench-c-group\"}}}}}",
                    w -> "bench-c" + (w % 20) + "-w" + w + ";", w -> w % 10 == 9);
        }
    }

    static String jdbcUrl() {
        return ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
    }

    interface Scope {
        String where(int subscription);
    }

    interface Name {
        String of(int write);
    }

    interface Rename {
        boolean of(int write);
    }

    private void measure(String title, int subscriptions, int perConnection, int writesPerSecond, int matches, int warmup, int seconds,
            Scope scope, Name name, Rename rename) throws Exception {
        int totalWrites = writesPerSecond * (warmup + seconds);
        long[] committed = new long[totalWrites];
        int capacity = totalWrites * matches + 1000;
        Recorder recorder = new Recorder(capacity);
        long heapBefore = usedHeap();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
        List<WebSocket> sockets = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(subscriptions);
        List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        String init = GraphQLWs.initMessage(Tokens.admin()); // signed before connecting: the server waits 3 s for the init
        for (int c = 0; c * perConnection < subscriptions; c++) {
            Listener listener = new Listener(recorder, ready, errors);
            WebSocket socket = http.newWebSocketBuilder().subprotocols("graphql-transport-ws")
                    .buildAsync(URI.create(graphql.toString().replaceFirst("^http", "ws")), listener).join();
            try {
                socket.sendText(init, true).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw new IllegalStateException("connection " + c + " closed before its init; " + errors, e);
            }
            // The protocol: no subscribe before connection_ack (the server closes with 4401 otherwise).
            if (!listener.acknowledged.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no connection_ack within 30 s");
            }
            for (int i = c * perConnection; i < Math.min(subscriptions, (c + 1) * perConnection); i++) {
                String query = "subscription { userChanged(where: " + scope.where(i) + ") { operation uid version row { uid name version } } }";
                socket.sendText("{\"id\":\"s" + i + "\",\"type\":\"subscribe\",\"payload\":{\"query\":"
                        + jakarta.json.Json.createValue(query) + "}}", true).join();
            }
            sockets.add(socket);
        }
        if (!ready.await(120, TimeUnit.SECONDS) || !errors.isEmpty()) {
            throw new IllegalStateException("only " + (subscriptions - ready.getCount() - errors.size()) + " of " + subscriptions
                    + " subscriptions became READY; errors: " + errors.stream().limit(3).toList());
        }
        long heapAfter = usedHeap();
        if (Boolean.getBoolean("bench.histogram")) {
            printHistogram();
        }
        recorder.start = totalWrites - writesPerSecond * seconds; // writes before this are warm-up
        RealtimeCpu cpu = RealtimeCpu.start(jdbcUrl());
        write(writesPerSecond, totalWrites, committed, name, rename);
        Thread.sleep(3000); // let the last deliveries arrive
        String cpuPerWrite = cpu.perWrite(totalWrites);
        sockets.forEach(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
        report(title, subscriptions, writesPerSecond, seconds, committed, recorder, (heapAfter - heapBefore) / subscriptions);
        System.out.println(cpuPerWrite);
        Thread.sleep(2000);
    }

    private void write(int perSecond, int total, long[] committed, Name name, Rename rename) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
                PreparedStatement insert = connection.prepareStatement(
                        "insert into app_user (uid, created_at, updated_at, name) values (?, now(), now(), ?)");
                PreparedStatement renameGroup = connection.prepareStatement(
                        "update app_group set name = ?, updated_at = now() where uid = ?")) {
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger next = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(1);
            pacer.scheduleAtFixedRate(() -> {
                int w = next.getAndIncrement();
                if (w >= total) {
                    done.countDown();
                    return;
                }
                try {
                    if (rename.of(w)) {
                        renameGroup.setString(1, "bench-c-group " + w); // still in scope: members stay, a RESYNC says "sync"
                        renameGroup.setObject(2, GROUP);
                        renameGroup.executeUpdate();
                        committed[w] = System.nanoTime();
                        return;
                    }
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, name.of(w));
                    insert.executeUpdate();
                    committed[w] = System.nanoTime();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
            done.await();
            pacer.shutdownNow();
        }
    }

    private static void report(String title, int subscriptions, int perSecond, int seconds, long[] committed, Recorder recorder,
            long heapPerSubscription) {
        int n = recorder.count.get();
        long[] latencies = new long[n];
        int measured = 0;
        for (int i = 0; i < n; i++) {
            int w = recorder.writes[i];
            if (w >= recorder.start && committed[w] != 0) {
                latencies[measured++] = Math.max(0, recorder.arrivals[i] - committed[w]);
            }
        }
        if (Boolean.getBoolean("bench.timeline")) {
            timeline(recorder, committed, perSecond);
        }
        if (measured == 0) {
            throw new IllegalStateException(title + ": no delivery arrived (" + n + " messages)");
        }
        long[] sorted = Arrays.copyOf(latencies, measured);
        Arrays.sort(sorted);
        System.out.printf("%nBENCH %s%n  subscriptions=%d writes/s=%d measured=%ds deliveries=%d (%.0f/s) RESYNC received=%d%n"
                + "  latency commit->delivery ms: p50=%.1f p99=%.1f max=%.1f%n  heap per idle subscription: %d bytes (server+client, one JVM)%n",
                title, subscriptions, perSecond, seconds, measured, measured / (double) seconds, recorder.resyncs.get(),
                pct(sorted, 0.50), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, heapPerSubscription);
    }

    /** With -Dbench.timeline=true: p50/p99/max latency of the deliveries of each second of writes (warm-up included), to see when the tail happens. */
    private static void timeline(Recorder recorder, long[] committed, int perSecond) {
        int n = Math.min(recorder.count.get(), recorder.arrivals.length);
        int seconds = committed.length / perSecond;
        List<List<Long>> bySecond = new ArrayList<>();
        for (int i = 0; i < seconds; i++) {
            bySecond.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            int w = recorder.writes[i];
            if (w < committed.length && committed[w] != 0) {
                bySecond.get(Math.min(seconds - 1, w / perSecond)).add(recorder.arrivals[i] - committed[w]);
            }
        }
        for (int i = 0; i < seconds; i++) {
            long[] sorted = bySecond.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("  second %2d%s: deliveries=%d p50=%.1f p99=%.1f max=%.1f ms%n", i, i * perSecond < recorder.start ? " (warm-up)" : "",
                    sorted.length, pct(sorted, 0.5), pct(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }
    }

    /** Top of the live-object class histogram (what an idle subscription costs), via the DiagnosticCommand MBean. */
    private static void printHistogram() throws Exception {
        javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
        String histogram = (String) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(name,
                "gcClassHistogram", new Object[] { new String[0] }, new String[] { String[].class.getName() });
        histogram.lines().limit(30).forEach(System.out::println);
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))] / 1e6;
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Arrival times of deliveries, by write number (parsed from the row name "...-w<write>;"). */
    static final class Recorder {
        final long[] arrivals;
        final int[] writes;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger resyncs = new AtomicInteger();
        volatile int start;

        Recorder(int capacity) {
            arrivals = new long[capacity];
            writes = new int[capacity];
        }

        void record(String message) {
            if (message.contains("\"RESYNC\"")) {
                resyncs.incrementAndGet();
                return;
            }
            int at = message.indexOf("-w");
            int end = at < 0 ? -1 : message.indexOf(';', at);
            if (end > 0) {
                int i = count.getAndIncrement();
                if (i < arrivals.length) {
                    arrivals[i] = System.nanoTime();
                    writes[i] = Integer.parseInt(message, at + 2, end, 10);
                }
            }
        }
    }

    static final class Listener implements WebSocket.Listener {
        private final Recorder recorder;
        private final CountDownLatch ready;
        private final List<String> errors;
        final CountDownLatch acknowledged = new CountDownLatch(1);
        private final StringBuilder partial = new StringBuilder();

        Listener(Recorder recorder, CountDownLatch ready, List<String> errors) {
            this.recorder = recorder;
            this.ready = ready;
            this.errors = errors;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            errors.add("closed " + code + " " + reason);
            while (ready.getCount() > 0) { // nothing more will come on this socket: do not wait for it
                ready.countDown();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                if (message.contains("\"connection_ack\"")) {
                    acknowledged.countDown();
                } else if (message.contains("\"READY\"")) {
                    ready.countDown();
                } else if (message.contains("\"type\":\"error\"")) {
                    errors.add(message);
                    ready.countDown();
                } else if (message.contains("\"ping\"")) {
                    socket.sendText("{\"type\":\"pong\"}", true);
                } else {
                    recorder.record(message);
                }
            }
            socket.request(1);
            return null;
        }
    }
}
