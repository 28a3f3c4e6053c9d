package dev.tidemark.support;

import java.util.UUID;

/** Creates demo rows through the public GraphQL API, returning their uids (and by plain JDBC: {@link #insertUser}). */
public final class Demo {

    private Demo() {
    }

    /**
     * Inserts a user by plain JDBC in {@code tx}'s open transaction (the change-log trigger runs; the
     * caller commits or rolls back): for tests that drive transactions by hand.
     */
    public static void insertUser(java.sql.Connection tx, UUID uid, String name) throws java.sql.SQLException {
        try (java.sql.PreparedStatement s = tx.prepareStatement(
                "insert into app_user (uid, created_at, updated_at, name) values (?, now(), now(), ?)")) {
            s.setObject(1, uid);
            s.setString(2, name);
            s.executeUpdate();
        }
    }

    public static String uid() {
        return UUID.randomUUID().toString();
    }

    public static String user(String name, String email) {
        String uid = uid();
        GraphQL.ok("""
                mutation($uid: String!, $name: String!, $email: String) {
                  saveUser(input: {uid: $uid, name: $name, email: $email}) { uid }
                }""", "uid", uid, "name", name, "email", email);
        return uid;
    }

    public static String group(String name) {
        String uid = uid();
        GraphQL.ok("""
                mutation($uid: String!, $name: String!) { saveGroup(input: {uid: $uid, name: $name}) { uid } }""",
                "uid", uid, "name", name);
        return uid;
    }

    public static String membership(String user, String group) {
        String uid = uid();
        GraphQL.ok("""
                mutation($uid: String!, $user: String!, $group: String!) {
                  saveUserGroup(input: {uid: $uid, userUid: $user, groupUid: $group}) { uid }
                }""", "uid", uid, "user", user, "group", group);
        return uid;
    }

    public static String document(String user, String title) {
        String uid = uid();
        GraphQL.ok("""
                mutation($uid: String!, $user: String!, $title: String!) {
                  saveUserDocument(input: {uid: $uid, userUid: $user, title: $title}) { uid }
                }""", "uid", uid, "user", user, "title", title);
        return uid;
    }

    public static String event(String document, String kind, String payload) {
        String uid = uid();
        GraphQL.ok("""
                mutation($uid: String!, $doc: String!, $kind: String!, $payload: String) {
                  saveUserDocumentEvent(input: {uid: $uid, documentUid: $doc, kind: $kind, payload: $payload}) { uid }
                }""", "uid", uid, "doc", document, "kind", kind, "payload", payload);
        return uid;
    }

    public static void delete(String type, String uid) {
        GraphQL.ok("mutation($uid: String!) { delete" + type + "(uid: $uid) { uid deletedAt } }", "uid", uid);
    }
}
