package dev.tidemark.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tidemark.docs.TutorialDocument.Block;
import dev.tidemark.support.Db;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Runs {@code docs/tutorial.md} top to bottom against the test server: every GraphQL block with
 * the variables shown under it, the SQL against the database, the subscriptions over a real
 * graphql-transport-ws socket, and compares each shown answer or event with the real one (times
 * and cursors aside; versions too are compared, the counter being restarted first). The TypeScript
 * blocks must equal the files the web client's integration suite runs. A block no step reads
 * fails the last test. {@code -Dtutorial.record=true} rewrites the shown answers with the real ones.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TutorialTest {

    static final boolean RECORD = Boolean.getBoolean("tutorial.record");
    static final Duration QUIET = Duration.ofMillis(1500);
    static final UUID BUDGET = UUID.fromString("d0c00003-0000-4000-8000-000000000003");

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    final TutorialDocument tutorial = TutorialDocument.read();
    GraphQLWs ws;
    String eventsSubscription;
    String lastCursor;

    @AfterAll
    void close() {
        if (ws != null) {
            ws.close();
        }
        if (RECORD) {
            tutorial.writeRecorded();
        }
    }

    @Test
    @Order(1)
    void shouldAnswerTheSeedsSqlAndTheGraphQLQueryWithTheSameEvents() {
        // the tutorial starts on an empty database with a fresh version counter, so its versions are the shown ones
        db.clear();
        db.update("truncate sync_request");
        db.update("alter sequence sync_version_seq restart with 1");
        run("setup");
        Set<String> bySql = db.rows(tutorial.block("sql").text()).stream().map(r -> r.get("uid").toString())
                .collect(Collectors.toCollection(TreeSet::new));
        JsonObject answer = run("events-query");
        Set<String> byGraphQL = answer.getJsonObject("data").getJsonArray("userDocumentEvents").stream()
                .map(e -> e.asJsonObject().getString("uid")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(bySql, byGraphQL, "the where crossing document returns exactly the rows of the SQL join");
        assertEquals(3, byGraphQL.size(), "Ann's two documents have three events");
    }

    @Test
    @Order(2)
    void shouldSendReadyThenTheAddedEventOverGraphqlTransportWs() {
        ws = GraphQLWs.connect(graphql);
        eventsSubscription = subscribe("events-subscription");
        run("add-event");
        JsonObject added = events("add-event", eventsSubscription).get(0);
        assertEquals("UPSERT", added.getString("operation"));
    }

    @Test
    @Order(3)
    void shouldMoveEventsInAndOutOfTheScopeWhenADocumentChangesOwner() {
        run("give-budget");
        assertEquals(List.of("UPSERT"), operations(events("give-budget", eventsSubscription)), "Budget's event moves in");
        run("give-notes");
        List<JsonObject> left = events("give-notes", eventsSubscription);
        assertEquals(List.of("LEAVE_SCOPE"), operations(left), "Notes' event moves out");
        assertTrue(left.get(0).isNull("row"), "a row that left the scope is not sent");
    }

    @Test
    @Order(4)
    void shouldTombstoneAndSendTheEventsOfADeletedDocument() {
        run("delete-budget");
        assertEquals(List.of("DELETE"), operations(events("delete-budget", eventsSubscription)));
        assertEquals(0, db.count("select count(*) from user_document_event where document_uid = ?::uuid and deleted_at is null",
                BUDGET), "the cascade left no live event of Budget");
    }

    @Test
    @Order(5)
    void shouldApplyOfflineWritesAndTellTheOtherClients() {
        JsonObject answer = run("sync-offline");
        JsonObject scope = answer.getJsonObject("data").getJsonObject("sync").getJsonArray("userDocumentEvents").getJsonObject(0);
        assertEquals(2, scope.getJsonArray("applied").size(), "the offline insert and delete are both applied");
        assertEquals(List.of("DELETE", "UPSERT"), operations(events("sync-offline", eventsSubscription)).stream().sorted().toList(),
                "an online client sees the offline changes as events");
    }

    @Test
    @Order(6)
    void shouldKeepTheLaterWriteInAConflictAndReportTheLoser() {
        run("server-edit");
        assertEquals(List.of("UPSERT"), operations(events("server-edit", eventsSubscription)));
        JsonObject scope = run("sync-conflict").getJsonObject("data").getJsonObject("sync").getJsonArray("userDocumentEvents")
                .getJsonObject(0);
        assertEquals("CONFLICT_LOST", scope.getJsonArray("rejected").getJsonObject(0).getString("reason"));
        assertEquals("{\"by\":\"Bob\"}", db.row("select payload from user_document_event where kind = 'edited'").get("payload"),
                "the server's later edit is kept");
        ws.expectNothing(eventsSubscription, QUIET);
    }

    @Test
    @Order(7)
    void shouldSendBackARowTheClientDroppedWithoutATombstone() {
        JsonObject scope = run("sync-forgot").getJsonObject("data").getJsonObject("sync").getJsonArray("userDocumentEvents")
                .getJsonObject(0);
        assertEquals(1, scope.getJsonArray("upserts").size(), "absent on the client reads as never received: the row is sent again");
        assertEquals(0, db.count("select count(*) from user_document_event where kind = 'commented' and deleted_at is not null"),
                "and the server never learnt of the deletion");
    }

    @Test
    @Order(8)
    void shouldPageAScopesLiveRowsInUidOrder() {
        JsonObject page = run("sync-page").getJsonObject("data").getJsonObject("sync").getJsonArray("userDocumentEvents")
                .getJsonObject(0);
        assertTrue(page.getBoolean("more"), "Plan has a third live event after the first page");
        assertEquals(3, page.getInt("total"), "the first page counts the scope's live rows");
    }

    @Test
    @Order(9)
    void shouldTombstoneTheMembershipsOfAGroupDeletedOfflineEverywhere() {
        run("setup-group");
        String memberships = subscribe("memberships-subscription");
        JsonObject scope = run("sync-delete-group").getJsonObject("data").getJsonObject("sync").getJsonArray("userGroups")
                .getJsonObject(0);
        assertTrue(scope.getJsonArray("upserts").stream().allMatch(r -> !r.asJsonObject().isNull("deletedAt")),
                "the client that sent only the group gets its membership's tombstone back");
        assertEquals(List.of("DELETE", "DELETE"), operations(events("sync-delete-group", memberships)),
                "another window is told of each membership");
        assertEquals(0, db.count("select count(*) from user_group where deleted_at is null"), "no orphan join row");
    }

    @Test
    @Order(10)
    void shouldShowTheTypeScriptSnippetsExactlyAsTheFilesTheWebClientSuiteRuns() throws IOException {
        List<String> suite = integrationSuite();
        for (String key : List.of("live-events", "replica", "offline-writes")) {
            Block block = tutorial.block(key);
            assertNotNull(block.file(), key + " names the file it shows (file=...)");
            String[] fileAndRegion = block.file().split("#", 2);
            Path file = Path.of(fileAndRegion[0]);
            String content = Files.readString(file);
            String shown = fileAndRegion.length == 1 ? content.stripTrailing() : region(content, fileAndRegion[1]);
            if (RECORD) {
                tutorial.record(key, shown);
            } else {
                assertEquals(shown, block.text(), key + " in docs/tutorial.md differs from " + block.file() + " (-Dtutorial.record=true copies it)");
            }
            String name = file.getFileName().toString().replaceFirst("\\.ts$", "");
            boolean run = file.startsWith("web-client/test/integration") && file.toString().endsWith(".test.ts")
                    || suite.stream().anyMatch(test -> test.contains("/" + name + ".js'"));
            assertTrue(run, file + " is neither in nor imported by the web client's integration suite, so nothing runs it");
        }
    }

    @Test
    @Order(100)
    void shouldHaveRunEveryBlockOfTheTutorial() {
        assertEquals(Set.of(), tutorial.unused(), "blocks of docs/tutorial.md that no step runs (run the whole class)");
    }

    /** Runs operation {@code name} over HTTP with its variables and checks it against its shown response, if any. */
    private JsonObject run(String name) {
        Block operation = tutorial.block(name);
        assertEquals("graphql", operation.language(), name + " is a GraphQL block");
        JsonObject answer = TutorialDocument.parseJson(GraphQL.post(operation.text(), pairs(variables(name))).prettify()).asJsonObject();
        assertNull(answer.get("errors"), () -> name + " failed: " + answer);
        rememberCursor(answer);
        compare(name + ".response", answer);
        return answer;
    }

    /** Subscribes with operation {@code name}; its first message (READY) is its shown response. */
    private String subscribe(String name) {
        String id = ws.subscribe(tutorial.block(name).text(), pairs(variables(name)));
        JsonObject payload = ws.message(id).getJsonObject("payload");
        rememberCursor(payload);
        compare(name + ".response", payload);
        assertEquals("READY", field(payload).getString("operation"));
        // A write committed just before READY may still be delivered after it (allowed: the version makes
        // it a no-op for a client). A reader pauses between steps; the test waits for such stragglers instead.
        while (ws.messageOrNull(id, QUIET) != null) {
            // a straggler of the previous step, not part of what the tutorial shows next
        }
        return id;
    }

    /**
     * The events a step caused on a subscription, as many as shown and then nothing more, checked
     * against the shown ones (each shown as the subscription field's value, what a client handles).
     */
    private List<JsonObject> events(String step, String subscription) {
        String key = step + ".events";
        int expected = RECORD ? Integer.MAX_VALUE : TutorialDocument.parseJson(tutorial.block(key).text()).asJsonArray().size();
        List<JsonObject> payloads = new ArrayList<>();
        while (payloads.size() < expected) {
            JsonObject message = RECORD ? ws.messageOrNull(subscription, QUIET) : ws.message(subscription);
            if (message == null) {
                break;
            }
            payloads.add(message.getJsonObject("payload"));
        }
        ws.expectNothing(subscription, RECORD ? Duration.ZERO : QUIET);
        // one transaction's rows (a cascade) come in no particular order: shown and compared by uid
        payloads.sort(Comparator.comparing(p -> field(p).getString("uid", "")));
        List<JsonObject> events = payloads.stream().map(TutorialTest::field).toList();
        JsonArrayBuilder array = Json.createArrayBuilder();
        events.forEach(array::add);
        events.forEach(this::rememberCursor);
        compare(key, array.build());
        return events;
    }

    private void compare(String key, JsonValue actual) {
        if (RECORD) {
            if (tutorial.has(key)) {
                tutorial.record(key, actual);
            }
        } else if (tutorial.has(key)) {
            JsonValue shown = TutorialDocument.parseJson(tutorial.block(key).text());
            assertEquals(TutorialDocument.pretty(TutorialDocument.stable(shown)), TutorialDocument.pretty(TutorialDocument.stable(actual)),
                    key + ": the server's real answer differs from the one docs/tutorial.md shows (-Dtutorial.record=true rewrites it)");
        }
    }

    /** The variables shown under operation {@code name}; a {@code cutoff} is replaced by the last cursor the server gave. */
    private Map<String, Object> variables(String name) {
        if (!tutorial.has(name + ".variables")) {
            return Map.of();
        }
        JsonObject shown = TutorialDocument.parseJson(tutorial.block(name + ".variables").text()).asJsonObject();
        @SuppressWarnings("unchecked")
        Map<String, Object> variables = (Map<String, Object>) toJava(shown);
        replaceCutoff(variables);
        return variables;
    }

    @SuppressWarnings("unchecked")
    private void replaceCutoff(Map<String, Object> map) {
        map.replaceAll((k, v) -> "cutoff".equals(k) && v != null ? lastCursor : v);
        map.values().stream().filter(Map.class::isInstance).forEach(v -> replaceCutoff((Map<String, Object>) v));
    }

    private void rememberCursor(JsonValue value) {
        if (value instanceof JsonObject object) {
            object.forEach((k, v) -> {
                if ("cursor".equals(k) && v instanceof JsonString s) {
                    lastCursor = s.getString();
                } else {
                    rememberCursor(v);
                }
            });
        } else if (value != null && value.getValueType() == JsonValue.ValueType.ARRAY) {
            value.asJsonArray().forEach(this::rememberCursor);
        }
    }

    private static Object toJava(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                value.asJsonObject().forEach((k, v) -> map.put(k, toJava(v)));
                yield map;
            }
            case ARRAY -> value.asJsonArray().stream().map(TutorialTest::toJava).toList();
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> ((JsonNumber) value).isIntegral() ? (Object) ((JsonNumber) value).longValue() : ((JsonNumber) value).doubleValue();
            case TRUE -> true;
            case FALSE -> false;
            case NULL -> null;
        };
    }

    private static Object[] pairs(Map<String, Object> variables) {
        return variables.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray();
    }

    /** The subscription field's value in a {@code {data: {<field>: event}}} payload. */
    private static JsonObject field(JsonObject payload) {
        JsonObject data = payload.getJsonObject("data");
        return data.getJsonObject(data.keySet().iterator().next());
    }

    private static List<String> operations(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("operation")).toList();
    }

    /** The lines between {@code // #region name} and {@code // #endregion}, without their common indentation. */
    private static String region(String content, String name) {
        List<String> lines = content.lines().toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// #region " + name)).findFirst()
                .orElseThrow(() -> new AssertionError("no // #region " + name)));
        int end = start + 1;
        while (!lines.get(end).strip().equals("// #endregion")) {
            end++;
        }
        List<String> body = lines.subList(start + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }

    private static List<String> integrationSuite() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("web-client/test/integration"))) {
            List<String> suite = new ArrayList<>();
            for (Path test : files.filter(f -> f.toString().endsWith(".test.ts")).toList()) {
                suite.add(Files.readString(test));
            }
            return suite;
        }
    }
}
