package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Tokens;
import dev.tidemark.sync.reconcile.HeldDigest;

/**
 * Storms (issue 18, point 3) on the packaged server in the prod profile (a replica's 384 MiB heap,
 * the default pool), with its own PostgreSQL cluster: (a) {@code storm.clients} clients reconnecting
 * at once, each holding a {@code storm.rows}-row scope as a held digest with the cursor of its last
 * sync, 1 % of the rows changed on the server since; (b) as many first syncs of a
 * {@code storm.firstRows}-row scope at once, each as the web client runs one (a first page of a
 * tenth, the rest in pages of 2,000, then the reconcile of what it holds). Each client is its own
 * user behind its own address, so the per-client rate limits apply as in production. Prints the
 * time to the last answer, p50/p99, failures by code, the server's CPU and peak heap, PostgreSQL's
 * CPU and the connections it had open. {@code ./mvnw verify} runs it at a tiny size; the full size
 * is the command in docs/benchmarks.md ("Storms").
 */
@Tag("benchmark")
class StormBenchmarkIT {

    static final boolean SMOKE = Boolean.parseBoolean(System.getProperty("bench.smoke", "true"));
    static final int CLIENTS = Integer.getInteger("storm.clients", SMOKE ? 4 : 1000);
    static final int ROWS = Integer.getInteger("storm.rows", SMOKE ? 200 : 10_000);
    static final int FIRST_ROWS = Integer.getInteger("storm.firstRows", SMOKE ? 250 : 2_000);
    static final int WARMUP = Integer.getInteger("storm.warmup", SMOKE ? 1 : 20);
    static final String HEAP = System.getProperty("storm.heap", "384m");
    /** Whether reconnecting clients send the stamp of their last sync (as the web client does); false: the comparison, as before. */
    static final boolean STAMPS = Boolean.parseBoolean(System.getProperty("storm.stamps", "true"));
    /** The clients' syncs before the storm (to take each one's stamp) run this many at once. */
    static final int PRESYNC_PARALLEL = 8;
    /** The web client's defaults: pages of 2,000 rows (the first a tenth, at least 100), digests from 1,000 held rows. */
    static final int PAGE_SIZE = 2000;
    static final int DIGEST_FROM = 1000;
    static final String DOCUMENT = "mutation Sync($input: SyncInput!) { sync(input: $input) { cursor replayed users { id applied drops "
            + "refreshedBuckets stamp source fallback rejected { uid reason field message } upserts { uid name email createdBy createdAt updatedAt deletedAt "
            + "version } more nextAfter total } } }";

    final Random random = new Random(18);

    @Test
    void shouldAnswerEveryClientOfAReconnectStormAndAFirstSyncStorm() throws Exception {
        System.out.printf("%nStormBenchmarkIT: %d clients, reconnect scope %,d rows (1 %% changed), first-sync scope %,d rows, server "
                + "-Xmx%s, %d warm-up syncs, seed 18%s%n", CLIENTS, ROWS, FIRST_ROWS, HEAP, WARMUP,
                SMOKE ? " - smoke run at a tiny size (bench.smoke=true): it proves the benchmark runs; its numbers measure nothing. "
                        + "Full size: -Pbenchmark (docs/benchmarks.md, Storms)" : "");
        System.out.println("load average at start: " + loadAverage());
        Map<String, String> env = new LinkedHashMap<>();
        // behind the ingress: each client is limited by its own address, with production's limits
        env.put("TIDEMARK_LIMITS_TRUST_FORWARDED_FOR", "true");
        env.put("TIDEMARK_LIMITS_REQUESTS_PER_MINUTE", "1200");
        env.put("TIDEMARK_LIMITS_REQUEST_BURST", "300");
        env.put("TIDEMARK_LIMITS_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT", "16");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("storm.env."))
                .forEach(k -> env.put(k.substring("storm.env.".length()), System.getProperty(k)));
        try (PostgresCluster postgres = PostgresCluster.create("storm")) {
            AppInstance app = new AppInstance("storm", postgres.jdbcUrl()).heap(HEAP);
            env.forEach(app::env);
            try (AppInstance server = app.start();
                    Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                    StormClients clients = new StormClients(server.graphql());
                    ServerGauges.HeapSampler heap = new ServerGauges.HeapSampler(server.pid());
                    ServerGauges.ConnectionSampler connections = new ServerGauges.ConnectionSampler(postgres.jdbcUrl())) {
                List<UUID> users = seed(db);
                List<String> tokens = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    tokens.add(Tokens.user(server.graphql().resolve("/"), users.get(i)));
                }
                Measure measure = new Measure(server, postgres, clients, heap, connections);
                System.out.println();
                System.out.println("| storm | clients | requests | last answer | p50 | p99 | failures | server CPU | server heap peak "
                        + "| PostgreSQL CPU | DB connections open / active (peak) | answered by |");
                System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |");
                reconnectStorm(db, tokens, clients, measure);
                firstSyncStorm(tokens, clients, measure);
                System.out.println("load average at end: " + loadAverage());
                assertEquals(Map.of(), clients.failures(), "every client of the storms is answered");
            }
        }
    }

    /** 12k users (with the clients among them) in one group: each sees all of them; two scopes by email. */
    List<UUID> seed(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("insert into app_group (uid, created_at, updated_at, name) values (gen_random_uuid(), now(), now(), 'storm')");
            s.execute("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                    + "'storm user ' || i, 'storm-a' from generate_series(1, " + ROWS + ") i");
            s.execute("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                    + "'first-sync user ' || i, 'storm-b' from generate_series(1, " + FIRST_ROWS + ") i");
            s.execute("insert into user_group (uid, created_at, updated_at, user_uid, group_uid) select gen_random_uuid(), now(), now(), "
                    + "u.uid, g.uid from app_user u, app_group g");
            s.execute("analyze");
        }
        List<UUID> users = new ArrayList<>(held(db).keySet());
        if (users.size() < CLIENTS) {
            throw new IllegalStateException("storm.clients (" + CLIENTS + ") must not exceed storm.rows (" + ROWS + ")");
        }
        return users;
    }

    /** What every reconnecting client holds (they all synced the scope before): uid → version. */
    static Map<UUID, Long> held(Connection db) throws SQLException {
        Map<UUID, Long> rows = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("select uid, version from app_user where email = 'storm-a' "
                + "and deleted_at is null order by uid")) {
            while (rs.next()) {
                rows.put((UUID) rs.getObject(1), rs.getLong(2));
            }
        }
        return rows;
    }

    void reconnectStorm(Connection db, List<String> tokens, StormClients clients, Measure measure) throws Exception {
        Map<UUID, Long> held = held(db);
        HeldDigest digest = HeldDigest.empty(buckets(held.size()));
        held.forEach(digest::add);
        String scope = "\"id\":\"storm-a\",\"where\":{\"email\":{\"eq\":\"storm-a\"}},\"heldDigest\":\"" + digest.encode() + "\",\"changes\":[]";
        for (int i = 0; i < WARMUP; i++) {
            StormClients.Answer answer = clients.sync(i % CLIENTS, tokens.get(i % CLIENTS), body(null, scope)).join();
            if (answer.failure() != null) {
                throw new IllegalStateException("a warm-up sync before the storm failed: " + answer.failure());
            }
        }
        // every client's last sync before the blip (as the web client keeps it): its cursor is the cutoff and its
        // stamp the stamp the client sends back; a stamp is per identity (the row policy names the user), so one each
        List<StormClients.Answer> last = clients.syncEach(CLIENTS, PRESYNC_PARALLEL, tokens::get, client -> body(null, scope));
        List<UUID> uids = new ArrayList<>(held.keySet());
        java.util.Collections.shuffle(uids, random);
        Set<String> changed = new HashSet<>();
        uids.subList(0, Math.max(1, held.size() / 100)).forEach(uid -> changed.add(uid.toString()));
        try (PreparedStatement s = db.prepareStatement("update app_user set name = name || ' (changed)' where uid = any(?)")) {
            s.setArray(1, db.createArrayOf("uuid", uids.subList(0, changed.size()).toArray()));
            s.executeUpdate();
        }
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            JsonObject sync = last.get(i).sync();
            String stamp = sync.getJsonArray("users").getJsonObject(0).getString("stamp", null);
            String stamped = scope + (STAMPS && stamp != null ? ",\"stamp\":" + AppInstance.quote(stamp) : "");
            requests.add(body(sync.getString("cursor"), stamped)); // each its own sync id
        }
        measure.storm("(a) reconnect, " + String.format("%,d", held.size()) + "-row scope as a digest, " + changed.size()
                + " rows changed" + (STAMPS ? ", stamps sent" : ", no stamps (storm.stamps=false)"),
                client -> clients.sync(client, tokens.get(client), requests.get(client))
                        .thenApply(answer -> answer.failure() != null ? answer.failure() : checkReconnect(answer.sync(), changed, clients)));
    }

    /** A client's reconnect answer must carry every row changed since (as an upsert of its bucket). */
    static String checkReconnect(JsonObject sync, Set<String> changed, StormClients clients) {
        Set<String> upserts = new HashSet<>();
        JsonObject scope = sync.getJsonArray("users").getJsonObject(0);
        clients.answeredBy(scope.getString("source", "?") + (scope.isNull("fallback") ? "" : " (" + scope.getString("fallback") + ")"));
        for (JsonValue row : scope.getJsonArray("upserts")) {
            upserts.add(row.asJsonObject().getString("uid"));
        }
        return upserts.containsAll(changed) ? null : "WRONG_ANSWER (changed rows missing)";
    }

    void firstSyncStorm(List<String> tokens, StormClients clients, Measure measure) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            String failure = firstSync(clients, i % CLIENTS, tokens.get(i % CLIENTS)).join();
            if (failure != null) {
                throw new IllegalStateException("a first sync before the storm failed: " + failure);
            }
        }
        measure.storm("(b) first sync, " + String.format("%,d", FIRST_ROWS) + "-row scope, paged as the web client does",
                client -> firstSync(clients, client, tokens.get(client)));
    }

    /**
     * A web client's first sync of the scope: a first page of a tenth (at least 100 rows), then pages
     * of {@link #PAGE_SIZE} until no more, then the reconcile of what it holds (a held list, or a digest
     * from {@link #DIGEST_FROM} rows), each with the cursor of the answer before. Completes with null or a failure.
     */
    static CompletableFuture<String> firstSync(StormClients clients, int client, String token) {
        Map<String, Long> rows = new LinkedHashMap<>();
        String where = "\"id\":\"storm-b\",\"where\":{\"email\":{\"eq\":\"storm-b\"}},\"changes\":[]";
        int first = Math.min(PAGE_SIZE, Math.max(100, PAGE_SIZE / 10));
        return page(clients, client, token, where, null, null, first, rows).thenCompose(cursor -> {
            if (cursor.startsWith("!")) {
                return CompletableFuture.completedFuture(cursor.substring(1));
            }
            String held;
            if (rows.size() >= DIGEST_FROM) {
                HeldDigest digest = HeldDigest.empty(buckets(rows.size()));
                rows.forEach((uid, version) -> digest.add(UUID.fromString(uid), version));
                held = "\"heldDigest\":\"" + digest.encode() + "\"";
            } else {
                StringBuilder list = new StringBuilder("\"held\":[");
                rows.forEach((uid, version) -> list.append(list.length() > 8 ? ",\"" : "\"").append(uid).append(':').append(version).append('"'));
                held = list.append(']').toString();
            }
            return clients.sync(client, token, body(cursor, where + "," + held)).thenApply(answer -> {
                if (answer.failure() != null) {
                    return answer.failure();
                }
                JsonObject scope = answer.sync().getJsonArray("users").getJsonObject(0);
                return rows.size() == FIRST_ROWS && scope.getJsonArray("upserts").isEmpty() && scope.getJsonArray("drops").isEmpty() ? null
                        : "WRONG_ANSWER (" + rows.size() + " rows paged, reconcile sent " + scope.getJsonArray("upserts").size() + ")";
            });
        });
    }

    /** Pages until no more; completes with the last cursor, or {@code "!" + failure}. */
    static CompletableFuture<String> page(StormClients clients, int client, String token, String where, String cursor, String after, int size,
            Map<String, Long> rows) {
        String scope = where + ",\"after\":" + (after == null ? "null" : "\"" + after + "\"") + ",\"pageSize\":" + size;
        return clients.sync(client, token, body(cursor, scope)).thenCompose(answer -> {
            if (answer.failure() != null) {
                return CompletableFuture.completedFuture("!" + answer.failure());
            }
            JsonObject result = answer.sync().getJsonArray("users").getJsonObject(0);
            for (JsonValue row : result.getJsonArray("upserts")) {
                rows.put(row.asJsonObject().getString("uid"), row.asJsonObject().getJsonNumber("version").longValue());
            }
            String next = answer.sync().getString("cursor");
            return result.getBoolean("more") ? page(clients, client, token, where, next, result.getString("nextAfter"), PAGE_SIZE, rows)
                    : CompletableFuture.completedFuture(next);
        });
    }

    static String body(String cutoff, String scope) {
        return "{\"query\":" + AppInstance.quote(DOCUMENT) + ",\"variables\":{\"input\":{\"syncId\":\"" + UUID.randomUUID() + "\",\"cutoff\":"
                + (cutoff == null ? "null" : "\"" + cutoff + "\"") + ",\"users\":[{" + scope + "}]}}}";
    }

    /** The web client's bucket count for a digest: the power of two at or above the rows held (budget.ts, bucketsFor). */
    static int buckets(int rows) {
        int buckets = 1;
        while (buckets < rows && buckets < 1 << 20) {
            buckets <<= 1;
        }
        return buckets;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** Runs one storm (every client at once) and prints its row. */
    record Measure(AppInstance server, PostgresCluster postgres, StormClients clients, ServerGauges.HeapSampler heap,
            ServerGauges.ConnectionSampler connections) {

        void storm(String name, IntFunction<CompletableFuture<String>> client) {
            clients.reset();
            System.gc();
            AppInstance.sleep(1000);
            heap.resetPeak();
            connections.reset();
            double serverCpu = ServerGauges.cpuSeconds(server.pid(), false);
            double postgresCpu = ServerGauges.postgresCpuSeconds(postgres.postmasterPid());
            long start = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                all.add(client.apply(i).thenAccept(failure -> clients.finished(System.nanoTime() - start, failure)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            double wall = (System.nanoTime() - start) / 1e9;
            AppInstance.sleep(300); // a last heap sample
            double serverUsed = ServerGauges.cpuSeconds(server.pid(), false) - serverCpu;
            double postgresUsed = ServerGauges.postgresCpuSeconds(postgres.postmasterPid()) - postgresCpu;
            System.out.printf("| %s | %d | %d | %.2f s | %.2f s | %.2f s | %s | %.1f s (%.2f cores) | %d MiB | %.1f s (%.2f cores) | %d / %d | %s |%n",
                    name, CLIENTS, clients.requests(), clients.seconds(100), clients.seconds(50), clients.seconds(99),
                    clients.failureCount() == 0 ? "0" : clients.failures().toString(), serverUsed, serverUsed / wall, heap.peakMiB(),
                    postgresUsed, postgresUsed / wall, connections.peakOpen(), connections.peakActive(),
                    clients.sources().isEmpty() ? "-" : clients.sources().toString());
        }
    }
}
