package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A row with a very long indexed value (a 1 MB name under a {@code startsWith} subscription) is
 * delivered like any other, and the change log keeps flowing for everyone: the scope index looks the
 * value up at the subscribed prefix lengths only (it used to take every prefix of the value, a
 * million substrings of up to 1 MB each, which stalled every instance's realtime delivery). One
 * event larger than {@code tidemark.realtime.max-queued-bytes-per-connection} still reaches a
 * client that reads: the bound casts off clients that fall behind, not rows that are large.
 */
@QuarkusTest
class LongValueDeliveryTest {

    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid } }""";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    @Test
    void shouldDeliverARowWithAMegabyteValueAndKeepDeliveringOthers() {
        String prefix = "Long-" + Demo.uid();
        String other = "Other-" + Demo.uid();
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String longScope = ws.subscribeReady(USERS, "p", prefix);
            String otherScope = ws.subscribeReady(USERS, "p", other);
            String uid = UUID.randomUUID().toString();
            db.update("insert into app_user (uid, created_at, updated_at, name) values (?::uuid, now(), now(), ?)",
                    uid, prefix + "x".repeat(1 << 20));
            String next = Demo.user(other + " next", null);
            assertEquals(uid, ws.event(longScope).getString("uid"));
            assertEquals(next, ws.event(otherScope).getString("uid"));
        }
    }

    @Test
    void shouldDeliverOneEventLargerThanTheConnectionsBoundToAClientThatReads() {
        String prefix = "Huge-" + Demo.uid();
        String name = prefix + "y".repeat(9 << 20); // over the 8 MiB default of max-queued-bytes-per-connection
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String id = ws.subscribeReady("""
                    subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid row { name } } }""",
                    "p", prefix);
            String uid = UUID.randomUUID().toString();
            db.update("insert into app_user (uid, created_at, updated_at, name) values (?::uuid, now(), now(), ?)", uid, name);
            JsonObject event = ws.event(id);
            assertEquals(uid, event.getString("uid"));
            assertEquals(name.length(), event.getJsonObject("row").getString("name").length());
            assertFalse(ws.isClosed());
        }
    }
}
