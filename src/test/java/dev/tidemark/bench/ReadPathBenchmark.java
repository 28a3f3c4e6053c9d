package dev.tidemark.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;
import dev.tidemark.sync.auth.DevKeysConfigSourceFactory;
import dev.tidemark.sync.limits.DocumentVerdicts;
import dev.tidemark.sync.query.BoundWheres;
import dev.tidemark.sync.query.ColumnRows;
import dev.tidemark.sync.query.DirectJsonEventingService;
import dev.tidemark.sync.query.DirectQueries;
import dev.tidemark.sync.query.OnePassRows;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/**
 * The read path, before and after in one run: the same lists and sync answer with graphql-java's
 * per-field execution ({@code tidemark.query.one-pass-rows=false}, switched in-process), with lists
 * completed in one pass over entities and SmallRye's JSON-P answer ({@code tidemark.query.direct-json=false},
 * {@code tidemark.query.column-rows=false}), that with the answer written directly, over columns with the
 * answer written directly, and that with a bearer token never sent before (so verified, where the others'
 * one token is found in the verified-token cache), and with the document limits measured on every request
 * instead of once per cached document, taking turns in every round. Prints p50/p99 and CPU per request (this JVM's
 * process CPU: server and HTTP client; the embedded PostgreSQL is another process) for the 9,000 rows of
 * an {@code eq} on email, the 10,000-row scope (the members of a group), one row by uid, and the sync
 * answer of that scope's first sync (10,000 upserts). {@code ./mvnw test -Pbenchmark -Dtest=ReadPathBenchmark}
 * ({@code -Dbench.rows}, {@code -Dbench.rounds}); {@code ./mvnw verify} runs it at 300 rows ({@link BenchSize}).
 */
@QuarkusTest
@Tag("benchmark")
class ReadPathBenchmark {

    static final int ROWS = BenchSize.of("bench.rows", 10_000, 300);
    static final int ROUNDS = BenchSize.of("bench.rounds", 40, 2);
    static final int WARMUP = BenchSize.of("bench.warmup", 10, 1);
    static final String PER_FIELD = "per field";
    static final String JSON_P = "one pass, entities, JSON-P";
    static final String DIRECT = "one pass, entities, direct JSON";
    static final String NEW_TOKEN = "one pass, columns, direct JSON, a new token each request";
    static final String LIMITS_MEASURED = "one pass, columns, direct JSON, document limits measured each request";
    static final String WHERE_JSONB = "one pass, columns, direct JSON, where bound by SmallRye's JSON-B";
    static final String ROUTE = "answered on the route (DirectQueries): one SQL statement, no SmallRye or Hibernate";
    /**
     * The paths taking turns: graphql-java per field, one pass over entities with SmallRye's JSON-P tree,
     * that with the answer written directly, one pass over columns with the answer written directly (the
     * same token: verified once), that with a token never seen, and that with the depth, complexity and
     * size limits walking the document every time (no verdict kept per document); {@code where-jsonb}: the
     * where bound by SmallRye's JSON-B instead of from graphql-java's value (not in the default); {@code route}:
     * a list answered on the HTTP route ({@link DirectQueries}; every other path has it off, and the sync
     * answer, a mutation, is never answered there).
     * {@code -Dbench.paths=per-field,json-p,direct,columns,new-token,limits-measured,route} (the default) names the ones to run.
     */
    static final Map<String, String> PATHS = Map.of("per-field", PER_FIELD, "json-p", JSON_P, "direct", DIRECT,
            "columns", "one pass, columns, direct JSON", "new-token", NEW_TOKEN,
            "limits-measured", LIMITS_MEASURED, "where-jsonb", WHERE_JSONB, "route", ROUTE);
    static final String COLUMNS = "{ uid name email createdBy createdAt updatedAt deletedAt version }";

    @Inject
    Db db;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    @AfterEach
    void restore() {
        OnePassRows.enable(true);
        DocumentVerdicts.enable(true);
        DirectJsonEventingService.enable(true);
        ColumnRows.enable(true);
        BoundWheres.enable(true);
        DirectQueries.enable(true);
    }

    @Test
    void benchmark() throws Exception {
        BenchSize.announce("ReadPathBenchmark");
        db.clear();
        int eqRows = ROWS * 9 / 10;
        UUID group = UUID.randomUUID();
        db.update("insert into app_group (uid, created_at, updated_at, name) values (?, now(), now(), 'bench')", group);
        db.update("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                + "'user ' || i, case when i <= ? then 'bench-eq@example.com' else 'u' || i || '@example.com' end "
                + "from generate_series(1, ?) i", eqRows, ROWS);
        db.update("insert into user_group (uid, created_at, updated_at, user_uid, group_uid) "
                + "select gen_random_uuid(), now(), now(), uid, ? from app_user", group);
        db.update("analyze");
        String one = db.row("select uid from app_user where email <> 'bench-eq@example.com' limit 1").get("uid").toString();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put(eqRows + " rows by eq on email", GraphQL.body("query($e: String) { users(where: {email: {eq: $e}}) "
                + COLUMNS + " }", "e", "bench-eq@example.com"));
        bodies.put(ROWS + "-row scope (members of a group)", GraphQL.body("query($g: String) { users(where: {memberships: "
                + "{some: {groupUid: {eq: $g}}}}) " + COLUMNS + " }", "g", group.toString()));
        bodies.put("one row by uid", GraphQL.body("query($u: String) { users(where: {uid: {eq: $u}}) " + COLUMNS + " }", "u", one));
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("id", "s");
        scope.put("where", Map.of("memberships", Map.of("some", Map.of("groupUid", Map.of("eq", group.toString())))));
        scope.put("held", List.of());
        bodies.put("sync answer, " + ROWS + " upserts (first sync of the scope)", null);
        // -Dbench.only=one (a substring of the names above) measures only those requests, e.g. to profile one of them.
        bodies.keySet().removeIf(name -> !name.contains(System.getProperty("bench.only", "")));
        String syncDocument = "mutation($input: SyncInput!) { sync(input: $input) { cursor users { id drops applied "
                + "upserts " + COLUMNS + " } } }";

        Map<String, List<Long>> nanos = new LinkedHashMap<>();
        Map<String, Long> cpu = new LinkedHashMap<>();
        String token = Tokens.admin();
        List<String> paths = new ArrayList<>();
        for (String id : System.getProperty("bench.paths", "per-field,json-p,direct,columns,new-token,limits-measured,route").split(",")) {
            paths.add(Objects.requireNonNull(PATHS.get(id.trim()), () -> "bench.paths: no path " + id));
        }
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
            for (String path : paths) {
                OnePassRows.enable(!path.equals(PER_FIELD));
                DocumentVerdicts.enable(!path.equals(LIMITS_MEASURED));
                DirectJsonEventingService.enable(!path.equals(PER_FIELD) && !path.equals(JSON_P));
                ColumnRows.enable(path.contains("columns"));
                BoundWheres.enable(!path.equals(WHERE_JSONB));
                DirectQueries.enable(path.equals(ROUTE));
                for (Map.Entry<String, String> entry : bodies.entrySet()) {
                    String body = entry.getValue() != null ? entry.getValue()
                            : GraphQL.body(syncDocument, "input", Map.of("syncId", UUID.randomUUID().toString(), "users", List.of(scope)));
                    int repeat = entry.getKey().startsWith("one row") ? 10 : 1;
                    for (int r = 0; r < repeat; r++) {
                        // A token never sent before is not in the verified-token cache: verified as every token was before it.
                        String bearer = path.equals(NEW_TOKEN) ? freshAdminToken() : token;
                        long cpuStart = os.getProcessCpuTime();
                        long start = System.nanoTime();
                        String answer = post(bearer, body);
                        long took = System.nanoTime() - start;
                        long cpuTook = os.getProcessCpuTime() - cpuStart;
                        if (answer.contains("\"errors\"")) {
                            throw new AssertionError(entry.getKey() + ": " + answer.substring(0, Math.min(500, answer.length())));
                        }
                        if (round >= WARMUP) {
                            String key = entry.getKey() + " | " + path;
                            nanos.computeIfAbsent(key, k -> new ArrayList<>()).add(took);
                            cpu.merge(key, cpuTook, Long::sum);
                        }
                    }
                }
            }
        }
        System.out.printf("%nread path, %d rounds (+%d warm-up), the paths taking turns in each round%n", ROUNDS, WARMUP);
        System.out.println("request | path | p50 | p99 | CPU per request (this JVM)");
        for (String key : nanos.keySet()) {
            List<Long> times = nanos.get(key);
            System.out.printf("%s | %.2f ms | %.2f ms | %.2f ms%n", key, percentile(times, 50), percentile(times, 99),
                    cpu.get(key) / 1e6 / times.size());
        }
    }

    static String freshAdminToken() {
        return Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject(UUID.randomUUID().toString()).groups(Set.of("admin"))
                .expiresAt(Instant.now().plusSeconds(3600)).sign();
    }

    String post(String token, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/graphql"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static double percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }
}
