package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.Tokens;

/**
 * Database outages, on a real PostgreSQL of the test's own, under the packaged server (prod
 * profile, default configuration): stopped (connections refused), then frozen (connections hang,
 * as with a dead host). Meanwhile a query, a sync and a write answer {@code SERVICE_UNAVAILABLE} with
 * {@code retryAfterSeconds} within the pool's acquisition timeout (3 s) and a margin, never a code
 * made from a class name; readiness is DOWN and neither it nor the health answer shows the
 * database's address or the driver's message (the log does). Once PostgreSQL is back, the
 * change-log listener reconnects and a write made straight into the database reaches a subscriber
 * whose socket stayed open within a few seconds; readiness is back and the next request is served.
 * Every time is printed ({@code -Doutage.seconds}, default 10).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseOutageIT {

    /** quarkus.datasource.jdbc.acquisition-timeout in application.properties. */
    static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(3);
    static final Duration MARGIN = Duration.ofSeconds(2);
    static final long OUTAGE_SECONDS = Long.getLong("outage.seconds", 10);
    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""";

    static PostgresCluster postgres;
    static AppInstance app;

    @BeforeAll
    static void start() {
        postgres = PostgresCluster.create("tidemark-outage");
        app = new AppInstance("outage", postgres.jdbcUrl()).start();
        Tokens.admin(app.graphql().resolve("/")); // issued (and cached) while the database is up
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldAnswerServiceUnavailableWhileTheDatabaseIsDownAndDeliverEventsSoonAfter() throws Exception {
        assertAll(outage("down", postgres::stop, postgres::start, 0));
    }

    /**
     * A database that does not answer at all (frozen: connections hang instead of being refused).
     * The requests come 3 s after it froze: by then the server's watch (a check a second, a second
     * to answer) has found it and closed the pool's idle connections; a request in between may wait
     * for idle connections to be checked, and a statement already waiting when the database froze
     * waits for the socket timeout (60 s).
     */
    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void shouldNotHangWhileTheDatabaseDoesNotAnswerAndRecoverWhenItDoes() throws Exception {
        assertAll(outage("frozen", postgres::freeze, postgres::thaw, 3000));
    }

    /**
     * Runs one outage: a subscriber connected throughout, requests and health during it, then the
     * database back, a write made straight into it and the time its event takes, readiness, and the
     * next request. Everything is measured and printed first; the returned checks assert it.
     */
    List<Executable> outage(String kind, Runnable begin, Runnable end, long settleMillis) throws Exception {
        String prefix = "Outage-" + kind + "-" + UUID.randomUUID();
        List<Executable> checks = new ArrayList<>();
        try (GraphQLWs ws = GraphQLWs.connect(app.graphql())) {
            String id = ws.subscribeReady(USERS, "p", prefix);
            saveUser(prefix + " before");
            assertEquals("UPSERT", ws.event(id).getString("operation"));
            fillThePool();

            begin.run();
            long outageStarted = System.nanoTime();
            AppInstance.sleep(settleMillis);
            checks.add(serviceUnavailable(kind, "query", () -> app.request("{ users { uid } }", "{}")));
            checks.add(serviceUnavailable(kind, "sync", () -> app.request("mutation($input: SyncInput!) { sync(input: $input) { cursor } }",
                    "{\"input\":{\"syncId\":\"" + UUID.randomUUID() + "\",\"users\":[{\"held\":[]}]}}")));
            checks.add(serviceUnavailable(kind, "write", () -> app.request(SAVE, "{\"uid\":\"" + UUID.randomUUID() + "\",\"name\":\"x\"}")));
            checks.add(healthRevealsNothing(kind));
            AppInstance.sleep(Math.max(0, OUTAGE_SECONDS * 1000 - millisSince(outageStarted)));

            end.run();
            long back = System.nanoTime();
            String uid = postgres.insertUser(prefix + " after");
            JsonObject event = awaitEvent(ws, id, back);
            long delivered = millisSince(back);
            long ready = awaitReady(back);
            System.out.printf("[DatabaseOutageIT] PostgreSQL %s for %d s; once back: the write's event delivered in %d ms,"
                    + " readiness UP in %d ms%n", kind, OUTAGE_SECONDS, delivered, ready);
            checks.add(() -> assertTrue(ready >= 0, kind + ": readiness back within 30 s of the database's return"));
            checks.add(() -> assertEquals(uid, event == null ? null : event.getString("uid"), kind + ": the write made after it"));
            checks.add(() -> assertTrue(delivered < 5_000, kind + ": the change-log listener reconnects within ~1 s of the"
                    + " database's return; the event took " + delivered + " ms"));
            HttpResponse<String> next = app.request(SAVE, "{\"uid\":\"" + UUID.randomUUID() + "\",\"name\":\"" + prefix + " next\"}");
            checks.add(() -> assertFalse(next.body().contains("errors"), kind + ": the next request is served: " + next.body()));
        }
        String log = app.log();
        checks.add(() -> assertTrue(log.contains("Database unavailable for"), "the reason is in the server log instead"));
        return checks;
    }

    /**
     * Many requests at once, so the pool holds many idle connections when the database goes: after
     * it returns, each of them is dead, and whoever is handed one unchecked fails (the listener
     * used to retry once a second, one dead connection after another).
     */
    static void fillThePool() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(24);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                answers.add(clients.submit(() -> app.request("{ users { uid } }", "{}")));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                assertFalse(answer.get().body().contains("errors"), answer.get().body());
            }
        } finally {
            clients.shutdown();
        }
    }

    static final String SAVE = "mutation($uid: String!, $name: String!) { saveUser(input: {uid: $uid, name: $name}) { uid } }";

    static void saveUser(String name) {
        String body = app.post(SAVE, "{\"uid\":\"" + UUID.randomUUID() + "\",\"name\":" + AppInstance.quote(name) + "}");
        assertFalse(body.contains("errors"), body);
    }

    /** Sends the request now and prints what came back; the returned check asserts it was a quick, retryable refusal. */
    static Executable serviceUnavailable(String kind, String what, java.util.function.Supplier<HttpResponse<String>> request) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = request.get();
        } catch (java.io.UncheckedIOException e) { // no answer within the request's 90 s
            long waited = millisSince(start);
            System.out.printf("[DatabaseOutageIT] %s while the database is %s: no answer after %d ms (%s)%n", what, kind, waited, e);
            return () -> fail(what + " while the database is " + kind + ": no answer after " + waited + " ms");
        }
        long millis = millisSince(start);
        System.out.printf("[DatabaseOutageIT] %s while the database is %s: HTTP %d in %d ms: %s%n", what, kind, response.statusCode(),
                millis, response.body());
        return () -> {
            JsonObject error = Json.createReader(new StringReader(response.body())).readObject().getJsonArray("errors")
                    .getJsonObject(0);
            JsonObject extensions = error.getJsonObject("extensions");
            assertEquals("SERVICE_UNAVAILABLE", extensions.getString("code"), what + ": " + response.body());
            assertTrue(extensions.getInt("retryAfterSeconds") >= 1, response.body());
            assertTrue(millis < ACQUISITION_TIMEOUT.plus(MARGIN).toMillis(), what + " answered after " + millis + " ms, over "
                    + ACQUISITION_TIMEOUT + " + " + MARGIN);
            assertFalse(response.body().contains(String.valueOf(postgres.port())), "no address: " + response.body());
        };
    }

    /**
     * Readiness turns DOWN (within the watch's second); neither it nor the whole health answer names
     * the database's address or the driver's words.
     */
    static Executable healthRevealsNothing(String kind) {
        long start = System.nanoTime();
        HttpResponse<String> ready = app.management("/q/health/ready");
        while (ready.statusCode() == 200 && millisSince(start) < 3_000) { // the watch checks once a second
            AppInstance.sleep(100);
            ready = app.management("/q/health/ready");
        }
        long millis = millisSince(start);
        HttpResponse<String> all = app.management("/q/health");
        System.out.printf("[DatabaseOutageIT] readiness while the database is %s: HTTP %d in %d ms %s%n", kind, ready.statusCode(),
                millis, ready.body().replaceAll("\\s+", " "));
        HttpResponse<String> readiness = ready;
        return () -> {
            assertEquals(503, readiness.statusCode(), readiness.body());
            for (HttpResponse<String> health : List.of(readiness, all)) {
                String body = health.body();
                assertTrue(body.contains("\"DOWN\""), body);
                for (String secret : List.of(String.valueOf(postgres.port()), "localhost", "jdbc", "postgresql", "refused",
                        "Exception", "Connection")) {
                    assertFalse(body.contains(secret), "health reveals '" + secret + "': " + body);
                }
            }
        };
    }

    /** The subscription's next event, waiting up to 30 s (to measure a slow recovery too), or null. */
    static JsonObject awaitEvent(GraphQLWs ws, String id, long since) {
        JsonObject message = ws.messageOrNull(id, Duration.ofSeconds(30));
        if (message == null || !"next".equals(message.getString("type"))) {
            System.out.printf("[DatabaseOutageIT] no event within %d ms of the database's start: %s%n", millisSince(since), message);
            return null;
        }
        JsonObject data = message.getJsonObject("payload").getJsonObject("data");
        return data.getJsonObject(data.keySet().iterator().next());
    }

    /** Milliseconds from {@code since} until readiness is UP, or -1 if it is not within 30 s. */
    static long awaitReady(long since) {
        while (millisSince(since) < 30_000) {
            if (app.management("/q/health/ready").statusCode() == 200) {
                return millisSince(since);
            }
            AppInstance.sleep(50);
        }
        return -1;
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
