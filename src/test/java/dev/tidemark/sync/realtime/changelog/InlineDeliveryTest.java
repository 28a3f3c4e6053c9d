package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.sync.realtime.hub.EventWriter;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;

/**
 * A small batch whose every frame is written without an execution goes out on the tailer's thread,
 * without the hand-off to the delivery thread (issue 18: a thread wake-up per event of the
 * distinct-scope fan-out); a larger one, or one with a selection that needs an execution, goes to the
 * delivery thread; and a subscription's events keep their order whichever way each batch goes. The
 * tailer thread is off; the test reads the log on its own thread, one batch per transaction.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class InlineDeliveryTest extends TailerOffTest {

    private static final String DIRECT = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""";
    /** The same with a directive: executed by graphql-java. */
    private static final String EXECUTED = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name @include(if: true) } } }""";

    @Test
    void shouldWriteASmallDirectBatchOnTheTailerThreadAndKeepTheOrderAcrossBothWays() throws SQLException {
        String prefix = "Inline-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String direct = ws.subscribeReady(DIRECT, "p", prefix + "-d");
            String executed = ws.subscribeReady(EXECUTED, "p", prefix + "-x");
            tailer.readBatch(); // whatever came before

            long before = EventWriter.inlineWrites();
            Demo.user(prefix + "-d one", null);
            tailer.readBatch();
            assertEquals(prefix + "-d one", ws.event(direct).getJsonObject("row").getString("name"));
            assertEquals(before + 1, EventWriter.inlineWrites(), "one frame, written directly: on the tailer's thread");

            Demo.user(prefix + "-x one", null);
            tailer.readBatch();
            assertEquals(prefix + "-x one", ws.event(executed).getJsonObject("row").getString("name"));
            assertEquals(before + 1, EventWriter.inlineWrites(), "a selection executed by graphql-java: on the delivery thread");

            int many = EventWriter.INLINE_FRAMES + 1;
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                insert(prefix + "-d r" + round + "-", many); // one batch of 17 frames: the delivery thread
                Demo.user(prefix + "-d r" + round + "-single", null); // one frame: inline once the other is written
                for (int i = 1; i <= many; i++) {
                    expected.add(prefix + "-d r" + round + "-" + String.format("%02d", i));
                }
                expected.add(prefix + "-d r" + round + "-single");
                tailer.readBatch(); // both transactions, in one read
                insert(prefix + "-d r" + round + "+", many);
                tailer.readBatch();
                Demo.user(prefix + "-d r" + round + "+single", null);
                tailer.readBatch(); // right behind the large batch: queued behind it or inline after it
                for (int i = 1; i <= many; i++) {
                    expected.add(prefix + "-d r" + round + "+" + String.format("%02d", i));
                }
                expected.add(prefix + "-d r" + round + "+single");
            }
            List<String> received = new ArrayList<>();
            while (received.size() < expected.size()) {
                received.add(ws.event(direct).getJsonObject("row").getString("name"));
            }
            assertEquals(expected, received, "one subscription's events, in commit order");
        }
    }

    /** {@code count} users named {@code prefix01...} in one transaction. */
    private void insert(String prefix, int count) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("insert into app_user (uid, created_at, updated_at, name) select gen_random_uuid(), now(), now(), '"
                    + prefix + "' || lpad(g::text, 2, '0') from generate_series(1, " + count + ") g order by g");
        }
    }
}
