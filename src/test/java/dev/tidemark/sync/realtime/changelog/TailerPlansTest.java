package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;

/**
 * The tailer's read plans its opening once per connection, not at every read (issue 18: at 200 writes/s
 * PostgreSQL spent 0.5 ms planning the opening's two selects against 0.1 ms executing them, on every
 * read, because their parameters kept it on custom plans). After some reads on one connection,
 * PostgreSQL's own count of the plans of its prepared statements says none was a custom plan; the
 * generic plans find the unread entries by the log's {@code tx} index, never by walking the log,
 * even when sorting looks dear to the planner (with {@code enable_sort} off here, as a large log's
 * estimate makes it: the entries' generic plan walked the whole log by its primary key while the
 * statement asked for them in id order); and the read's settings do not outlive its transaction (the
 * connection goes back to the pool). The tailer thread is off; the test reads the log on its own
 * connection.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class TailerPlansTest extends TailerOffTest {

    private static final int READS = 12;

    @Test
    void shouldPlanTheReadOnceAndLeaveTheConnectionAsItCame() throws SQLException {
        String prefix = "Plans-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); Connection connection = dataSource.getConnection()) {
            String id = ws.subscribeReady("""
                    subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""", "p", prefix);
            connection.setAutoCommit(true);
            execute(connection, "set enable_sort = off");
            String before = settings(connection);
            tailer.readBatch(connection); // whatever came before
            for (int i = 0; i < READS; i++) {
                String user = Demo.user(prefix + " " + i, null);
                tailer.readBatch(connection);
                assertEquals(user, ws.event(id).getString("uid"));
            }
            List<String> plans = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select custom_plans, generic_plans, statement, name,"
                            + " cardinality(parameter_types) from pg_prepared_statements where statement like '%from sync_change where tx >= %'")) {
                while (rows.next()) {
                    plans.add(rows.getLong(1) + " custom, " + rows.getLong(2) + " generic: " + rows.getString(3));
                    names.add("\"" + rows.getString(4) + "\"(" + String.join(", ", java.util.Collections.nCopies(rows.getInt(5), "null")) + ")");
                }
            }
            assertEquals(2, plans.size(), "the opening's two selects, prepared on the connection: " + plans);
            for (String plan : plans) {
                assertTrue(plan.startsWith("0 custom, ") && !plan.startsWith("0 custom, 0 generic"), plan);
            }
            assertEquals(before, settings(connection), "the read's settings are its transaction's");
            for (String execute : names) {
                List<String> scans = logScans(connection, execute);
                assertTrue(!scans.isEmpty() && scans.stream().allMatch(scan -> scan.endsWith(" sync_change_tx_idx")),
                        execute + " reads the log by " + scans);
            }
            execute(connection, "reset enable_sort");
        }
    }

    /** How the generic plan of prepared statement {@code execute} reads the log: each scan's node type and index. */
    private static List<String> logScans(Connection connection, String execute) throws SQLException {
        List<String> scans = new ArrayList<>();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(ChangeLogQuery.PLANS);
            try (ResultSet rows = statement.executeQuery("explain (format json) execute " + execute)) {
                rows.next();
                try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.StringReader(rows.getString(1)))) {
                    collect(reader.readArray().getJsonObject(0).getJsonObject("Plan"), scans);
                }
            }
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        return scans;
    }

    private static void collect(jakarta.json.JsonObject node, List<String> scans) {
        if ("sync_change".equals(node.getString("Relation Name", null))) {
            // a bitmap heap scan names its index on its bitmap index scan, below it
            jakarta.json.JsonObject index = node.getString("Node Type").equals("Bitmap Heap Scan")
                    ? node.getJsonArray("Plans").getJsonObject(0) : node;
            scans.add(node.getString("Node Type") + " " + index.getString("Index Name", "(no index)"));
        }
        for (jakarta.json.JsonValue child : node.getJsonArray("Plans") == null ? List.<jakarta.json.JsonValue>of() : node.getJsonArray("Plans")) {
            collect(child.asJsonObject(), scans);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String settings(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select current_setting('plan_cache_mode') || ' '"
                        + " || current_setting('enable_seqscan') || ' ' || current_setting('jit') || ' '"
                        + " || current_setting('max_parallel_workers_per_gather')")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
