package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;

/**
 * What one read of the change log costs in round trips to the database (docs/benchmarks.md,
 * "Realtime"): at 200 writes/s a batch holds one to three writes, so this is paid per write. One
 * opening statement (read-only repeatable read, snapshot, incarnation, pending transactions and
 * their entries), the rows of each table the batch wrote, the commit. Before: six for a write
 * (isolation level, snapshot, pending transactions, entries, rows, commit), four for nothing new.
 *
 * <p>The tailer thread is off ({@code tidemark.realtime.enabled=false}); the test reads the log on
 * its own thread and counts that thread's round trips ({@link RoundTrips}).
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class TailerRoundTripsTest extends TailerOffTest {

    @Test
    void shouldReadAndLoadABatchInTwoRoundTripsAndNothingNewInTwo() {
        String prefix = "Trips-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql); RoundTrips trips = RoundTrips.onThisThread()) {
            String id = ws.subscribeReady("""
                    subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""", "p", prefix);
            tailer.readBatch(); // whatever came before
            String user = Demo.user(prefix + " one", null); // written by the server, on its own threads
            trips.reset();
            tailer.readBatch();
            assertEquals(2, trips.count(), trips::toString);
            assertEquals(user, ws.event(id).getString("uid"));

            trips.reset();
            tailer.readBatch();
            assertEquals(2, trips.count(), trips::toString);
        }
    }

    /**
     * A row with lazy to-one relations (a membership's user and group) is loaded without them: the
     * events render its columns, and its relations are read by the GraphQL relation loader, never
     * through the tailer's entity (which no session can load later).
     */
    @Test
    void shouldLoadARowWithoutItsLazyRelations() {
        String group = Demo.group("Trips-" + Demo.uid());
        String user = Demo.user("Trips-" + Demo.uid(), null);
        try (GraphQLWs ws = GraphQLWs.connect(graphql); RoundTrips trips = RoundTrips.onThisThread()) {
            String id = ws.subscribeReady("""
                    subscription($g: String!) { userGroupChanged(where: {groupUid: {eq: $g}}) { operation uid row { userUid } } }""",
                    "g", group);
            tailer.readBatch(); // whatever came before
            String membership = Demo.membership(user, group);
            trips.reset();
            tailer.readBatch();
            assertEquals(2, trips.count(), trips::toString);
            JsonObject event = ws.event(id);
            assertEquals(membership, event.getString("uid"));
            assertEquals(user, event.getJsonObject("row").getString("userUid"));
        }
    }
}
