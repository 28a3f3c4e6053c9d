package dev.tidemark.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Random where-inputs and sync payloads sent as Alice ({@link PolicyWorld}): any structure the
 * schema accepts (columns, operators, relations, and/or/not, up to {@code -Dfuzz.depth} levels), with
 * foreign, visible, random and malformed values. No
 * answer is a server error, none shows a foreign row, and no foreign row changes. The seed is fixed
 * and printed; replay one with {@code -Dfuzz.seed=N}, run longer with {@code -Dfuzz.rounds=N}.
 */
@QuarkusTest
class PolicyFuzzTest {

    static final long SEED = Long.getLong("fuzz.seed", 20261129L);
    static final int ROUNDS = Integer.getInteger("fuzz.rounds", 120);
    static final int MAX_DEPTH = Integer.getInteger("fuzz.depth", 5);

    /** Per where type: columns (name → kind) and relations (name → target where type, to-many or not). */
    static final Map<String, Map<String, String>> COLUMNS = Map.of(
            "User", Map.of("uid", "uuid", "name", "string", "email", "string"),
            "Group", Map.of("uid", "uuid", "name", "string"),
            "UserGroup", Map.of("uid", "uuid", "userUid", "uuid", "groupUid", "uuid"),
            "UserDocument", Map.of("uid", "uuid", "userUid", "uuid", "title", "string"),
            "UserDocumentEvent", Map.of("uid", "uuid", "documentUid", "uuid", "kind", "string", "payload", "string"));
    static final Map<String, Map<String, String>> RELATIONS = Map.of(
            "User", Map.of("memberships", "*UserGroup", "documents", "*UserDocument"),
            "Group", Map.of("memberships", "*UserGroup"),
            "UserGroup", Map.of("user", "User", "group", "Group"),
            "UserDocument", Map.of("user", "User", "events", "*UserDocumentEvent"),
            "UserDocumentEvent", Map.of("document", "UserDocument"));
    static final Map<String, String> QUERY = Map.of("User", "users", "Group", "groups", "UserGroup", "userGroups",
            "UserDocument", "userDocuments", "UserDocumentEvent", "userDocumentEvents");

    @Test
    void shouldAnswerRandomWheresWithoutServerErrorsOrLeaks() {
        System.out.println("PolicyFuzzTest where seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
        PolicyWorld w = new PolicyWorld();
        Map<String, Map<String, Object>> before = w.snapshot();
        Random random = new Random(SEED);
        List<String> types = new ArrayList<>(QUERY.keySet());
        types.sort(null);
        for (int round = 0; round < ROUNDS; round++) {
            String type = types.get(random.nextInt(types.size()));
            Map<String, Object> where = where(random, w, type, 0);
            String document = "query($w: " + type + "Where, $d: Boolean!) { " + QUERY.get(type)
                    + "(where: $w, includeDeleted: $d) { uid } }";
            long started = System.nanoTime();
            JsonPath response = GraphQL.postAs(w.aliceToken, document, "w", where, "d", random.nextBoolean());
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (ms > 300) {
                System.out.println("PolicyFuzzTest slow where (" + ms + " ms): " + type + " " + where);
            }
            String context = "seed " + SEED + " round " + round + ": " + type + " where " + where;
            assertNoServerError(context, response);
            w.assertNoLeak(context, response.get("data") == null ? "" : response.prettify());
        }
        assertEquals(before, w.snapshot(), "a read changed a row");
    }

    @Test
    void shouldAnswerRandomSyncPayloadsWithoutServerErrorsLeaksOrForeignWrites() {
        long seed = SEED + 1;
        System.out.println("PolicyFuzzTest sync seed " + seed + " (replay with -Dfuzz.seed=" + SEED + ")");
        PolicyWorld w = new PolicyWorld();
        Map<String, Map<String, Object>> before = w.snapshot();
        Random random = new Random(seed);
        List<String> types = new ArrayList<>(QUERY.keySet());
        types.sort(null);
        for (int round = 0; round < ROUNDS / 3; round++) {
            SyncCall call = new SyncCall();
            int scopes = 1 + random.nextInt(3);
            for (int s = 0; s < scopes; s++) {
                String type = types.get(random.nextInt(types.size()));
                Map<String, Long> held = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    held.put(pick(random, w), (long) random.nextInt(1_000_000));
                }
                List<Map<String, Object>> changes = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    String uid = random.nextInt(3) == 0 ? Demo.uid() : pickRow(random, w, type);
                    if (held.containsKey(uid) || changes.stream().anyMatch(c -> uid.equals(c.get("uid")))) {
                        continue;
                    }
                    changes.add(change(random, w, type, uid));
                }
                call.scope(QUERY.get(type), random.nextBoolean() ? null : where(random, w, type, 2), held, changes);
            }
            JsonPath response = GraphQL.postAs(w.aliceToken, SyncCall.DOCUMENT, "input", call.input());
            String context = "seed " + seed + " round " + round + ": " + call.input();
            assertNoServerError(context, response);
            if (response.get("data.sync") != null) {
                for (String table : QUERY.values()) {
                    List<Object> scopesOut = response.getList("data.sync." + table);
                    for (int i = 0; scopesOut != null && i < scopesOut.size(); i++) {
                        w.assertNoLeak(context, response.getList("data.sync." + table + "[" + i + "].upserts"));
                        w.assertNoForeignText(context, response.getList("data.sync." + table + "[" + i + "].rejected"));
                    }
                }
            }
        }
        Map<String, Map<String, Object>> after = w.snapshot();
        for (String visible : List.of(w.alice, w.bob, w.ours, w.aliceInOurs, w.bobInOurs, w.aliceDoc, w.aliceEvent)) {
            before.remove(visible); // Alice may change these
            after.remove(visible);
        }
        assertEquals(before, after, "a foreign row changed");
    }

    private static void assertNoServerError(String context, JsonPath response) {
        List<Map<String, Object>> errors = response.getList("errors");
        if (errors == null) {
            return;
        }
        for (Map<String, Object> error : errors) {
            Object code = error.get("extensions") instanceof Map<?, ?> extensions ? extensions.get("code") : null;
            // an unexpected failure, or a code made from an exception's class name (j-d-b-c-connection)
            assertFalse("Server Error".equals(error.get("message")) || "INTERNAL".equals(code)
                    || (code != null && !code.toString().matches("[A-Z_]+")), () -> context + " → server error: " + response.prettify());
        }
    }

    /** A random where of {@code type}: columns, operators, relations and combinators, sometimes past the depth limit. */
    private static Map<String, Object> where(Random random, PolicyWorld w, String type, int depth) {
        Map<String, Object> where = new LinkedHashMap<>();
        int fields = 1 + random.nextInt(depth > 2 ? 1 : 3);
        for (int f = 0; f < fields; f++) {
            // Nesting is bounded here (each level costs the HQL parser more on a new shape); where
            // depth limits have their own tests (QueryLimitTest, BadInputTest).
            int kind = depth >= MAX_DEPTH ? 0 : random.nextInt(10);
            if (kind < 5) {
                List<String> columns = new ArrayList<>(COLUMNS.get(type).keySet());
                columns.sort(null);
                String column = columns.get(random.nextInt(columns.size()));
                where.put(column, filter(random, w, COLUMNS.get(type).get(column)));
            } else if (kind < 8) {
                List<String> relations = new ArrayList<>(RELATIONS.get(type).keySet());
                relations.sort(null);
                String relation = relations.get(random.nextInt(relations.size()));
                String target = RELATIONS.get(type).get(relation);
                if (target.startsWith("*")) {
                    where.put(relation, Map.of(random.nextBoolean() ? "some" : "none", where(random, w, target.substring(1), depth + 1)));
                } else {
                    where.put(relation, where(random, w, target, depth + 1));
                }
            } else if (kind == 8) {
                where.put("not", where(random, w, type, depth + 1));
            } else {
                List<Object> parts = new ArrayList<>();
                for (int i = random.nextInt(3); i >= 0; i--) {
                    parts.add(where(random, w, type, depth + 1));
                }
                where.put(random.nextBoolean() ? "or" : "and", parts);
            }
        }
        return where;
    }

    private static Map<String, Object> filter(Random random, PolicyWorld w, String kind) {
        List<String> ops = kind.equals("uuid") ? List.of("eq", "ne", "in", "notIn", "isNull")
                : List.of("eq", "ne", "in", "notIn", "isNull", "contains", "startsWith");
        String op = ops.get(random.nextInt(ops.size()));
        Object value;
        if (op.equals("isNull")) {
            value = random.nextBoolean();
        } else if (op.equals("in") || op.equals("notIn")) {
            List<String> values = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                values.add(kind.equals("uuid") ? pick(random, w) : text(random));
            }
            value = values;
        } else {
            value = kind.equals("uuid") ? pick(random, w) : text(random);
        }
        return Map.of(op, value);
    }

    private static String text(Random random) {
        List<String> texts = List.of("", "%", "_", "Mallory", "Theirs", "secret", "Alice", "'; drop table app_user; --", "Ours");
        return texts.get(random.nextInt(texts.size()));
    }

    /** A uid Alice may or may not see, a random one, or a malformed one. */
    private static String pick(Random random, PolicyWorld w) {
        List<String> uids = List.of(w.alice, w.bob, w.mallory, w.xavier, w.ours, w.theirs, w.aliceInOurs, w.bobInOurs,
                w.malloryInTheirs, w.bobInTheirs, w.aliceDoc, w.malloryDoc, w.aliceEvent, w.malloryEvent);
        int roll = random.nextInt(uids.size() + 2);
        if (roll == uids.size()) {
            return Demo.uid();
        }
        return roll > uids.size() ? "not-a-uuid" : uids.get(roll);
    }

    /** A row of {@code type}, Alice's or a foreign one: a change of it is an edit or a take-over. */
    private static String pickRow(Random random, PolicyWorld w, String type) {
        List<String> rows = switch (type) {
            case "User" -> List.of(w.alice, w.bob, w.mallory, w.xavier);
            case "Group" -> List.of(w.ours, w.theirs);
            case "UserGroup" -> List.of(w.aliceInOurs, w.bobInOurs, w.malloryInTheirs, w.xavierInTheirs, w.bobInTheirs);
            case "UserDocument" -> List.of(w.aliceDoc, w.malloryDoc);
            default -> List.of(w.aliceEvent, w.malloryEvent);
        };
        return rows.get(random.nextInt(rows.size()));
    }

    private static Map<String, Object> change(Random random, PolicyWorld w, String type, String uid) {
        String now = OffsetDateTime.now().toString();
        Long base = random.nextInt(3) == 0 ? null : (long) random.nextInt(1_000_000);
        List<Object> values = new ArrayList<>(List.of("createdAt", now, "updatedAt", now));
        switch (type) {
            case "User" -> values.addAll(List.of("name", "Fuzz"));
            case "Group" -> values.addAll(List.of("name", "Fuzz"));
            case "UserGroup" -> values.addAll(List.of("userUid", pick(random, w), "groupUid", pick(random, w)));
            case "UserDocument" -> values.addAll(List.of("userUid", pick(random, w), "title", "Fuzz"));
            default -> values.addAll(List.of("documentUid", pick(random, w), "kind", "fuzz"));
        }
        if (random.nextInt(4) == 0) {
            values.addAll(List.of("deletedAt", now));
        }
        return SyncCall.change(uid, base, values.toArray());
    }
}
