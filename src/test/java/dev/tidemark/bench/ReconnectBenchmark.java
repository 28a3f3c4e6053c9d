package dev.tidemark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.demo.model.User;
import dev.tidemark.support.Db;
import dev.tidemark.support.SyncCall;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.cursor.ScopeStamp;
import dev.tidemark.sync.reconcile.AnswerSource;
import dev.tidemark.sync.reconcile.HeldDigest;
import dev.tidemark.sync.reconcile.ScopeOutcome;
import dev.tidemark.sync.reconcile.ScopeRequest;
import dev.tidemark.sync.reconcile.SyncOutcome;
import dev.tidemark.sync.reconcile.SyncRequest;
import dev.tidemark.sync.reconcile.SyncService;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.where.Condition;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A reconnect of one large scope (100k users) with 10 rows changed on the server since the
 * client's last sync, answered from the change log (the scope's stamp) and by the full comparison
 * (the same request with {@code verify: true}), on the same state in the same run. Server time is
 * the engine's sync ({@code SyncService}: transaction, ledger, log or comparison, row loading),
 * without GraphQL; the round trip is the whole {@code sync} mutation over HTTP, digest and answer
 * included. Run it with {@code ./mvnw test -Pbenchmark -Dtest=ReconnectBenchmark}; {@code ./mvnw
 * verify} runs it once at 300 rows ({@link BenchSize}).
 */
@QuarkusTest
@Tag("benchmark")
class ReconnectBenchmark {

    static final int SIZE = BenchSize.of("benchmark.size", 100_000, 300);
    static final int CHANGES = BenchSize.of("benchmark.changes", 10, 3);
    static final int RUNS = BenchSize.of("benchmark.runs", 30, 1);
    static final int WARMUP = BenchSize.smoke() ? 1 : 10;

    @Inject
    Db db;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SyncService service;

    @Inject
    SyncRegistry registry;

    final Random random = new Random(18);

    @Test
    void benchmark() throws Exception {
        BenchSize.announce("ReconnectBenchmark");
        db.clear();
        String tag = "reconnect-" + SIZE;
        db.update("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                + "'user ' || i, ? from generate_series(1, ?) i", tag, SIZE);
        db.update("analyze app_user");
        Map<UUID, Long> client = versions(tag);
        int buckets = Integer.highestOneBit(Math.max(1, SIZE));
        Map<String, Object> where = Map.of("email", Map.of("eq", tag));
        // The first sync of the scope: the client gets its stamp.
        SyncCall.Result first = new SyncCall().digestScope("users", where, digest(client, buckets).encode(), List.of()).send();
        String stamp = first.stamp("users");
        List<Long> logServer = new ArrayList<>();
        List<Long> fullServer = new ArrayList<>();
        List<Long> logTrip = new ArrayList<>();
        List<Long> fullTrip = new ArrayList<>();
        List<Long> logCpu = new ArrayList<>();
        List<Long> fullCpu = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String loadAtStart = load();
        int logUpserts = 0;
        int fullUpserts = 0;
        for (int run = 0; run < WARMUP + RUNS; run++) {
            List<UUID> uids = new ArrayList<>(client.keySet());
            Collections.shuffle(uids, random);
            serverUpdate(uids.subList(0, CHANGES), run);
            HeldDigest held = digest(client, buckets);
            // Server time, both ways, on the same state (a sync without changes writes only its ledger record).
            // CPU: this thread's (the engine runs on the caller's thread), not the database's.
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            SyncOutcome viaLog = service.sync(request(held, stamp, false));
            long logNanos = System.nanoTime() - start;
            long logCpuNanos = threads.getCurrentThreadCpuTime() - cpu;
            cpu = threads.getCurrentThreadCpuTime();
            start = System.nanoTime();
            SyncOutcome viaFull = service.sync(request(held, stamp, true));
            long fullNanos = System.nanoTime() - start;
            long fullCpuNanos = threads.getCurrentThreadCpuTime() - cpu;
            ScopeOutcome log = viaLog.scopes().get(0);
            ScopeOutcome full = viaFull.scopes().get(0);
            assertEquals(AnswerSource.CHANGE_LOG, log.source(), "answered from the log: " + log.fallback());
            assertEquals(AnswerSource.COMPARISON, full.source());
            // The whole mutation over HTTP, both ways.
            start = System.nanoTime();
            SyncCall.Result tripLog = new SyncCall().digestScope("users", where, held.encode(), List.of()).stamp("users", stamp, false).send();
            long logTripNanos = System.nanoTime() - start;
            start = System.nanoTime();
            new SyncCall().digestScope("users", where, held.encode(), List.of()).stamp("users", stamp, true).send();
            long fullTripNanos = System.nanoTime() - start;
            if (run >= WARMUP) {
                logServer.add(logNanos);
                fullServer.add(fullNanos);
                logTrip.add(logTripNanos);
                fullTrip.add(fullTripNanos);
                logCpu.add(logCpuNanos);
                fullCpu.add(fullCpuNanos);
                logUpserts = log.upserts().size();
                fullUpserts = full.upserts().size();
            }
            log.upserts().forEach(row -> client.put(row.uid, row.version));
            stamp = tripLog.stamp("users");
        }
        System.out.println();
        System.out.printf("Reconnect of a %,d-row scope, %d rows changed on the server since the stamp, %d runs (+%d warm-up)%n",
                SIZE, CHANGES, RUNS, WARMUP);
        System.out.printf("load average at start: %s; at end: %s%n", loadAtStart, load());
        System.out.println("answer            | server p50 | server p95 | server p99 | server CPU p50 | round trip p50 | round trip p95 | upserts");
        System.out.printf("change log        | %7.2f ms | %7.2f ms | %7.2f ms | %11.2f ms | %11.2f ms | %11.2f ms | %7d%n",
                p(logServer, 50), p(logServer, 95), p(logServer, 99), p(logCpu, 50), p(logTrip, 50), p(logTrip, 95), logUpserts);
        System.out.printf("full comparison   | %7.2f ms | %7.2f ms | %7.2f ms | %11.2f ms | %11.2f ms | %11.2f ms | %7d%n",
                p(fullServer, 50), p(fullServer, 95), p(fullServer, 99), p(fullCpu, 50), p(fullTrip, 50), p(fullTrip, 95), fullUpserts);
        System.out.printf("ratio (full / log)| %9.1fx |            | %13.1fx |%n", p(fullServer, 50) / p(logServer, 50),
                p(fullTrip, 50) / p(logTrip, 50));
    }

    SyncRequest request(HeldDigest held, String stamp, boolean verify) {
        Condition where = new Condition.Compare(registry.table(User.class).column("email"), dev.tidemark.sync.where.Op.EQ,
                "reconnect-" + SIZE);
        ScopeRequest scope = new ScopeRequest("users", registry.table(User.class), where, Map.of(), held, List.of(), null,
                ScopeStamp.decode(stamp, "stamp"), verify, "input.users[0]");
        return new SyncRequest(UUID.randomUUID().toString(), null, Identity.ANONYMOUS_FULL_ACCESS, List.of(scope));
    }

    static HeldDigest digest(Map<UUID, Long> rows, int buckets) {
        HeldDigest digest = HeldDigest.empty(buckets);
        rows.forEach(digest::add);
        return digest;
    }

    Map<UUID, Long> versions(String tag) {
        Map<UUID, Long> versions = new LinkedHashMap<>();
        for (Map<String, Object> row : db.rows("select uid, version from app_user where email = ?", tag)) {
            versions.put((UUID) row.get("uid"), ((Number) row.get("version")).longValue());
        }
        return versions;
    }

    void serverUpdate(List<UUID> uids, int run) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update app_user set name = ? where uid = any(?)")) {
            s.setString(1, "server " + run);
            s.setArray(2, c.createArrayOf("uuid", uids.toArray()));
            s.executeUpdate();
        }
    }

    static String load() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1)) / 1e6;
    }
}
