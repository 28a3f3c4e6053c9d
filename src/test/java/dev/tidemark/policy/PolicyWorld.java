package dev.tidemark.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Tokens;

/**
 * The rows the policy suites try to reach. Alice ("me") and Bob share group "Ours"; Mallory's group
 * "Theirs" holds Mallory, Xavier and Bob too (so Bob, whom Alice sees, has a membership she must not
 * see). Alice and Mallory each own a document with an event. Everything is made by an admin, so no
 * row is visible through {@code createdBy}.
 */
final class PolicyWorld {

    final String alice;
    final String bob;
    final String mallory;
    final String xavier;
    final String ours;
    final String theirs;
    final String aliceInOurs;
    final String bobInOurs;
    final String malloryInTheirs;
    final String xavierInTheirs;
    final String bobInTheirs;
    final String aliceDoc;
    final String aliceEvent;
    final String malloryDoc;
    final String malloryEvent;
    final String aliceToken;
    final String malloryToken;
    /** Every row Alice must never receive, with a name or text that must never appear either. */
    final List<String> foreign;
    /** The names and texts of the foreign rows (an error may echo a uid the client sent, never these). */
    final List<String> foreignTexts;

    PolicyWorld() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        alice = Demo.user("Alice " + tag, null);
        bob = Demo.user("Bob " + tag, null);
        mallory = Demo.user("Mallory " + tag, "mallory@secret.example");
        xavier = Demo.user("Xavier " + tag, "xavier@secret.example");
        ours = Demo.group("Ours " + tag);
        theirs = Demo.group("Theirs " + tag);
        aliceInOurs = Demo.membership(alice, ours);
        bobInOurs = Demo.membership(bob, ours);
        malloryInTheirs = Demo.membership(mallory, theirs);
        xavierInTheirs = Demo.membership(xavier, theirs);
        bobInTheirs = Demo.membership(bob, theirs);
        aliceDoc = Demo.document(alice, "Alice's notes " + tag);
        aliceEvent = Demo.event(aliceDoc, "created", "{}");
        malloryDoc = Demo.document(mallory, "Mallory's secret plan " + tag);
        malloryEvent = Demo.event(malloryDoc, "created", "{\"secret\":true}");
        aliceToken = Tokens.user(UUID.fromString(alice));
        malloryToken = Tokens.user(UUID.fromString(mallory));
        foreignTexts = List.of("Mallory " + tag, "Xavier " + tag, "Theirs " + tag, "secret");
        foreign = new java.util.ArrayList<>(List.of(mallory, xavier, theirs, malloryInTheirs, xavierInTheirs, bobInTheirs,
                malloryDoc, malloryEvent));
        foreign.addAll(foreignTexts);
    }

    /** Fails if any foreign uid or text appears in {@code text} (a response's data, an event). */
    void assertNoLeak(String what, Object text) {
        assertNone(what, text, foreign);
    }

    /** Fails if a foreign name or text appears in {@code text}. */
    void assertNoForeignText(String what, Object text) {
        assertNone(what, text, foreignTexts);
    }

    private static void assertNone(String what, Object text, List<String> secrets) {
        String body = String.valueOf(text);
        for (String secret : secrets) {
            assertFalse(body.contains(secret), () -> what + " leaked " + secret + ": " + body);
        }
    }

    /** The row as the database has it (read as an admin), tombstones included. */
    static Map<String, Object> row(String query, String uid) {
        List<Map<String, Object>> rows = GraphQL.ok("query($uid: String!) { " + query
                + "(where: {uid: {eq: $uid}}, includeDeleted: true) { uid version deletedAt } }", "uid", uid)
                .getList("data." + query);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Version and tombstone of every row of the world, as the database has them. */
    Map<String, Map<String, Object>> snapshot() {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (String uid : List.of(alice, bob, mallory, xavier)) {
            rows.put(uid, row("users", uid));
        }
        for (String uid : List.of(ours, theirs)) {
            rows.put(uid, row("groups", uid));
        }
        for (String uid : List.of(aliceInOurs, bobInOurs, malloryInTheirs, xavierInTheirs, bobInTheirs)) {
            rows.put(uid, row("userGroups", uid));
        }
        for (String uid : List.of(aliceDoc, malloryDoc)) {
            rows.put(uid, row("userDocuments", uid));
        }
        for (String uid : List.of(aliceEvent, malloryEvent)) {
            rows.put(uid, row("userDocumentEvents", uid));
        }
        return rows;
    }
}
