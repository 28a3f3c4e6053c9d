package dev.tidemark.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.path.json.JsonPath;

/**
 * Builds a {@code sync} mutation's variables the way a client would, and reads its result.
 * Tables are named as in {@code SyncInput} ({@code users}, {@code userGroups}, ...).
 */
public final class SyncCall {

    public static final String DOCUMENT = """
            mutation($input: SyncInput!) {
              sync(input: $input) {
                syncId cursor replayed
                users { id stamp source fallback drops applied refreshedBuckets more nextAfter total rejected { uid reason field message } upserts { uid name email createdAt updatedAt deletedAt version } }
                groups { id stamp source fallback drops applied refreshedBuckets more nextAfter total rejected { uid reason field message } upserts { uid name createdAt updatedAt deletedAt version } }
                userGroups { id stamp source fallback drops applied refreshedBuckets rejected { uid reason field message } upserts { uid userUid groupUid createdAt updatedAt deletedAt version } }
                userDocuments { id stamp source fallback drops applied rejected { uid reason field message } upserts { uid userUid title createdAt updatedAt deletedAt version } }
                userDocumentEvents { id stamp source fallback drops applied rejected { uid reason field message } upserts { uid documentUid kind payload createdAt updatedAt deletedAt version } }
              }
            }""";

    private final Map<String, Object> input = new LinkedHashMap<>();

    public SyncCall() {
        this(UUID.randomUUID().toString());
    }

    public SyncCall(String syncId) {
        input.put("syncId", syncId);
    }

    public SyncCall cutoff(String cursor) {
        input.put("cutoff", cursor);
        return this;
    }

    /** Adds a scope to {@code table}: its where (null for all rows), held {uid: version}, and changes. */
    @SuppressWarnings("unchecked")
    public SyncCall scope(String table, Map<String, Object> where, Map<String, Long> held, List<Map<String, Object>> changes) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("id", table + ((List<Object>) input.computeIfAbsent(table, t -> new ArrayList<>())).size());
        scope.put("where", where);
        List<String> heldRows = new ArrayList<>();
        held.forEach((uid, version) -> heldRows.add(uid + ":" + version));
        scope.put("held", heldRows);
        scope.put("changes", changes);
        ((List<Object>) input.get(table)).add(scope);
        return this;
    }

    /** Adds a scope whose held rows are sent as a digest (base64 bucket checksums) instead of a list. */
    @SuppressWarnings("unchecked")
    public SyncCall digestScope(String table, Map<String, Object> where, String heldDigest, List<Map<String, Object>> changes) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("id", table + ((List<Object>) input.computeIfAbsent(table, t -> new ArrayList<>())).size());
        scope.put("where", where);
        scope.put("heldDigest", heldDigest);
        scope.put("changes", changes);
        ((List<Object>) input.get(table)).add(scope);
        return this;
    }

    /** Gives the last added scope of {@code table} its stamp (from its last result) and verify flag. */
    @SuppressWarnings("unchecked")
    public SyncCall stamp(String table, String stamp, Boolean verify) {
        List<Object> scopes = (List<Object>) input.get(table);
        Map<String, Object> scope = (Map<String, Object>) scopes.get(scopes.size() - 1);
        scope.put("stamp", stamp);
        scope.put("verify", verify);
        return this;
    }

    /** Adds a paged scope: a read of at most {@code pageSize} live rows after the uid {@code after} (null: the first page). */
    @SuppressWarnings("unchecked")
    public SyncCall pagedScope(String table, Map<String, Object> where, int pageSize, String after) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("id", table + ((List<Object>) input.computeIfAbsent(table, t -> new ArrayList<>())).size());
        scope.put("where", where);
        scope.put("pageSize", pageSize);
        scope.put("after", after);
        ((List<Object>) input.get(table)).add(scope);
        return this;
    }

    public Map<String, Object> input() {
        return input;
    }

    public Result send() {
        return new Result(GraphQL.ok(DOCUMENT, "input", input));
    }

    /** Sends the sync acting with {@code token} (a user's: its row policies apply). */
    public Result sendAs(String token) {
        return new Result(GraphQL.okAs(token, DOCUMENT, "input", input));
    }

    public JsonPath sendExpectingError() {
        return GraphQL.error(DOCUMENT, "input", input);
    }

    /** A row value map for a change: {@code values} plus baseVersion (null: new row). */
    public static Map<String, Object> change(String uid, Long baseVersion, Object... values) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("uid", uid);
        row.put("baseVersion", baseVersion);
        for (int i = 0; i < values.length; i += 2) {
            row.put((String) values[i], values[i + 1]);
        }
        return row;
    }

    /** The result of a sync, read per table and scope index. */
    public record Result(JsonPath json) {

        String base(String table, int scope) {
            return "data.sync." + table + "[" + scope + "].";
        }

        public List<Map<String, Object>> upserts(String table) {
            return json.getList(base(table, 0) + "upserts");
        }

        public List<String> upsertUids(String table) {
            return json.getList(base(table, 0) + "upserts.uid");
        }

        public Map<String, Object> upsert(String table, String uid) {
            return upserts(table).stream().filter(r -> uid.equals(r.get("uid"))).findFirst().orElse(null);
        }

        public List<String> drops(String table) {
            return json.getList(base(table, 0) + "drops");
        }

        public List<String> applied(String table) {
            return json.getList(base(table, 0) + "applied");
        }

        /** With a held digest: the buckets whose rows the client must replace with the upserts. */
        public List<Integer> refreshedBuckets(String table) {
            return json.getList(base(table, 0) + "refreshedBuckets");
        }

        public List<Map<String, Object>> rejected(String table) {
            return json.getList(base(table, 0) + "rejected");
        }

        public String reason(String table, String uid) {
            return rejected(table).stream().filter(r -> uid.equals(r.get("uid"))).map(r -> (String) r.get("reason"))
                    .findFirst().orElse(null);
        }

        /** For a paged scope: whether live rows follow the page. */
        public boolean more(String table) {
            return json.getBoolean(base(table, 0) + "more");
        }

        /** For a paged scope: the uid the page ended at. */
        public String nextAfter(String table) {
            return json.getString(base(table, 0) + "nextAfter");
        }

        /** For the first page of a paged scope: the scope's live rows; null on later pages. */
        public Integer total(String table) {
            return json.get(base(table, 0) + "total");
        }

        /** The scope's stamp for its next reconnect. */
        public String stamp(String table) {
            return json.getString(base(table, 0) + "stamp");
        }

        /** CHANGE_LOG, COMPARISON or PAGE. */
        public String source(String table) {
            return json.getString(base(table, 0) + "source");
        }

        /** Why the scope was compared whole, or null. */
        public String fallback(String table) {
            return json.getString(base(table, 0) + "fallback");
        }

        public String cursor() {
            return json.getString("data.sync.cursor");
        }

        public boolean replayed() {
            return json.getBoolean("data.sync.replayed");
        }
    }
}
