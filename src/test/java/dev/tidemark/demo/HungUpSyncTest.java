package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.Tokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * A client that hangs up while its sync runs (a phone entering a tunnel) must not turn the sync into
 * an internal error: Quarkus ends the HTTP request's context when the connection closes, while the
 * sync is still running on its worker thread. The sync is applied as a whole (the client's retry
 * with the same sync id is then answered from the ledger) — found by the web client's fault test
 * ("sync answer lost"), where such syncs failed with INTERNAL and were rolled back.
 */
@QuarkusTest
class HungUpSyncTest {

    @Inject
    Db db;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    String ann;

    @BeforeEach
    void seed() {
        db.clear();
        ann = Demo.user("Ann", null);
    }

    @Test
    void shouldApplyASyncWhoseClientHungUpWhileItWaitedForALock() throws Exception {
        String group = Demo.group("G");
        String membership = Demo.membership(ann, group);
        long before = db.count("select version from user_group where uid = ?::uuid", membership);
        SyncCall sync = new SyncCall().scope("userGroups", null, Map.of(), List.of(change(membership, before, "userUid", ann,
                "groupUid", group, "updatedAt", OffsetDateTime.now(ZoneOffset.UTC).toString())));
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            // The sync locks the membership's parents first: holding the group keeps it waiting mid-transaction.
            db.query(holder, "select uid from app_group where uid = ?::uuid for update", group);
            try (Socket client = new Socket("localhost", port)) {
                send(client, sync);
                db.awaitLockWaiters(1);
            } // hung up while the sync waits
            Thread.sleep(500); // let the server see the connection close (and end the request's context) before the sync goes on
            holder.rollback();
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        long after = before;
        while (after == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
            after = db.count("select version from user_group where uid = ?::uuid", membership);
        }
        assertEquals(1, db.count("select count(*) from sync_request where sync_id = ?", syncId(sync)),
                "the sync is recorded in the ledger, so the client's retry is answered, not applied twice");
        assertEquals(true, after > before, "the sync whose client hung up is applied");
    }

    private static String syncId(SyncCall sync) {
        return (String) sync.input().get("syncId");
    }

    private static void send(Socket socket, SyncCall sync) throws Exception {
        byte[] body = new JsonObject(Map.of("query", SyncCall.DOCUMENT, "variables", Map.of("input", sync.input())))
                .encode().getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + Tokens.admin() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }
}
