package dev.tidemark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Tokens;
import dev.tidemark.sync.reconcile.HeldDigest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Sync speed for one scope of 10k and 100k users with 1% changed on the server and 1% changed
 * offline: sync time next to a plain JDBC SELECT of the same rows, bytes each way, peak heap.
 * Run it with {@code ./mvnw test -Pbenchmark -Dtest=SyncBenchmarkTest}; {@code ./mvnw verify} runs it once
 * at 300 rows ({@link BenchSize}).
 */
@QuarkusTest
@Tag("benchmark")
class SyncBenchmarkTest {

    static final int RUNS = BenchSize.of("benchmark.runs", 15, 1);
    static final int[] SIZES = { BenchSize.of("benchmark.size", 0, 300) };
    static final int WARMUP = BenchSize.smoke() ? 1 : 8;
    static final String[] MODES = System.getProperty("benchmark.mode", "held,digest").split(",");
    static final String DOCUMENT = "mutation($input: SyncInput!) { sync(input: $input) { cursor users { drops applied "
            + "refreshedBuckets rejected { uid reason } upserts { uid name email createdAt updatedAt deletedAt version } } } }";

    @Inject
    Db db;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    final HttpClient http = HttpClient.newBuilder().version(Boolean.getBoolean("benchmark.http1") ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2).build();
    final Random random = new Random(42);

    @Test
    void benchmark() throws Exception {
        BenchSize.announce("SyncBenchmarkTest");
        db.clear();
        System.out.println();
        System.out.println("mode   | scope rows | sync p50 | sync p95 | SELECT p50 | ratio | request bytes | response bytes | upserts | peak heap"
                + " | floor: GraphQL read of the upserts | floor: JDBC write of the changes");
        for (int size : SIZES[0] > 0 ? SIZES : new int[] { 10_000, 100_000 }) {
            for (String mode : MODES) {
                measure(size, mode);
            }
        }
    }

    void measure(int size, String mode) throws Exception {
        String tag = "bench-" + size + "-" + mode;
        db.update("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                + "'user ' || i, ? from generate_series(1, ?) i", tag, size);
        List<Long> syncs = new ArrayList<>();
        List<Long> selects = new ArrayList<>();
        List<Long> readFloors = new ArrayList<>();
        List<Long> writeFloors = new ArrayList<>();
        long requestBytes = 0;
        long responseBytes = 0;
        long peakHeap = 0;
        int upserts = 0;
        for (int run = 0; run < WARMUP + RUNS; run++) {
            Map<UUID, Long> client = versions(tag);
            List<UUID> uids = new ArrayList<>(client.keySet());
            Collections.shuffle(uids, random);
            int changed = size / 100;
            List<UUID> serverSide = uids.subList(0, changed);
            List<UUID> clientSide = uids.subList(changed, 2 * changed);
            serverUpdate(serverSide, run);
            String body = request(tag, client, clientSide, run, mode.equals("digest"));

            resetPeaks();
            long start = System.nanoTime();
            HttpResponse<String> response = post(body);
            long syncNanos = System.nanoTime() - start;
            long heap = peaks();
            long selectNanos = select(tag);
            long readFloor = graphqlRead(upsertUids(response.body()));
            long writeFloor = jdbcWrite(clientSide, run);
            if (run >= WARMUP) {
                syncs.add(syncNanos);
                selects.add(selectNanos);
                readFloors.add(readFloor);
                writeFloors.add(writeFloor);
                requestBytes = body.getBytes(StandardCharsets.UTF_8).length;
                responseBytes = response.body().getBytes(StandardCharsets.UTF_8).length;
                upserts = count(response.body(), "\"version\"");
                peakHeap = Math.max(peakHeap, heap);
            }
        }
        double syncP50 = percentile(syncs, 50);
        double selectP50 = percentile(selects, 50);
        System.out.printf("%-6s | %10d | %5.1f ms | %5.1f ms | %7.1f ms | %4.1fx | %13d | %14d | %7d | %6d MiB | %5.1f ms | %5.1f ms%n", mode, size, syncP50,
                percentile(syncs, 95), selectP50, syncP50 / selectP50, requestBytes, responseBytes, upserts, peakHeap >> 20,
                percentile(readFloors, 50), percentile(writeFloors, 50));
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

    /**
     * The sync a client sends: every row it holds, 1% of them changed offline. The unchanged rows go
     * as a held list, or as a digest of about one row per bucket.
     */
    static String request(String tag, Map<UUID, Long> client, List<UUID> changed, int run, boolean digest) {
        java.util.Set<UUID> changedSet = new java.util.HashSet<>(changed);
        StringBuilder json = new StringBuilder(client.size() * 72);
        json.append("{\"query\":\"").append(DOCUMENT.replace("\"", "\\\"")).append("\",\"variables\":{\"input\":{\"syncId\":\"")
                .append(UUID.randomUUID()).append("\",\"users\":[{\"where\":{\"email\":{\"eq\":\"").append(tag)
                .append("\"}},");
        if (digest) {
            HeldDigest sums = HeldDigest.empty(Integer.highestOneBit(Math.max(1, client.size() - changed.size() - 1)) << 1);
            client.forEach((uid, version) -> {
                if (!changedSet.contains(uid)) {
                    sums.add(uid, version);
                }
            });
            json.append("\"heldDigest\":\"").append(sums.encode()).append('"');
        } else {
            json.append("\"held\":[");
            boolean first = true;
            for (Map.Entry<UUID, Long> row : client.entrySet()) {
                if (!changedSet.contains(row.getKey())) {
                    json.append(first ? "\"" : ",\"").append(row.getKey()).append(':').append(row.getValue()).append('"');
                    first = false;
                }
            }
            json.append(']');
        }
        json.append(",\"changes\":[");
        boolean first = true;
        for (UUID uid : changed) {
            json.append(first ? "" : ",").append("{\"uid\":\"").append(uid).append("\",\"baseVersion\":").append(client.get(uid))
                    .append(",\"name\":\"client ").append(run).append("\",\"email\":\"").append(tag).append("\"}");
            first = false;
        }
        return json.append("]}]}}}").toString();
    }

    static List<String> upsertUids(String body) {
        List<String> uids = new ArrayList<>();
        for (int i = body.indexOf("\"uid\":\""); i >= 0; i = body.indexOf("\"uid\":\"", i + 1)) {
            uids.add(body.substring(i + 7, i + 43));
        }
        return uids;
    }

    /**
     * A floor for the sync's GraphQL half: the same rows as the sync's upserts, read with the plain
     * {@code users} query over HTTP (uid in chunks of 500, the where's in-list limit).
     */
    long graphqlRead(List<String> uids) throws Exception {
        StringBuilder where = new StringBuilder("{\"or\":[");
        for (int from = 0; from < uids.size(); from += 500) {
            where.append(from == 0 ? "" : ",").append("{\"uid\":{\"in\":[");
            List<String> chunk = uids.subList(from, Math.min(uids.size(), from + 500));
            for (int i = 0; i < chunk.size(); i++) {
                where.append(i == 0 ? "\"" : ",\"").append(chunk.get(i)).append('"');
            }
            where.append("]}}");
        }
        where.append("]}");
        String body = "{\"query\":\"query($w: UserWhere) { users(where: $w, includeDeleted: true) { uid name email createdAt "
                + "updatedAt deletedAt version } }\",\"variables\":{\"w\":" + where + "}}";
        long start = System.nanoTime();
        post(body);
        return System.nanoTime() - start;
    }

    /** Posts a GraphQL request; fails on an HTTP error or a GraphQL error. */
    HttpResponse<String> post(String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/graphql"))
                .header("content-type", "application/json")
                .header("Authorization", "Bearer " + Tokens.admin())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
            throw new IllegalStateException("request failed: " + response.body().substring(0, Math.min(500, response.body().length())));
        }
        return response;
    }

    /**
     * A floor for the sync's write half: the client's changed rows written with plain JDBC, one
     * UPDATE per row in a batch, one transaction (the version and change-log triggers fire as in a sync).
     */
    long jdbcWrite(List<UUID> uids, int run) throws Exception {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("update app_user set name = ?, updated_at = now() where uid = ?")) {
                for (UUID uid : uids) {
                    s.setString(1, "floor " + run);
                    s.setObject(2, uid);
                    s.addBatch();
                }
                s.executeBatch();
            }
            c.commit();
        }
        return System.nanoTime() - start;
    }

    long select(String tag) throws Exception {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select uid, created_at, updated_at, deleted_at, version, name, email "
                        + "from app_user where email = ?")) {
            s.setString(1, tag);
            s.setFetchSize(2000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rs.getObject(1);
                    rs.getObject(2);
                    rs.getObject(3);
                    rs.getObject(4);
                    rs.getLong(5);
                    rs.getString(6);
                    rs.getString(7);
                }
            }
        }
        return System.nanoTime() - start;
    }

    static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peaks() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    static double percentile(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}
