package dev.tidemark.demo;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.Hostile;
import dev.tidemark.support.RawHttp;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * {@code tidemark.limits.max-requests-in-flight-per-client} (2 here): a client address whose
 * requests' answers are not yet written, because it does not read them, gets HTTP 429
 * {@code RATE_LIMITED} with {@code Retry-After} for more, while another address is served; a place
 * comes back when an answer has been written and when a client hangs up without reading. The
 * clients are raw connections from loopback addresses of their own (127.0.0.2 for the greedy one).
 */
@QuarkusTest
@TestProfile(RequestsInFlightTest.TwoInFlight.class)
class RequestsInFlightTest {

    public static class TwoInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.limits.max-requests-in-flight-per-client", "2");
        }
    }

    static final String GREEDY = "127.0.0.2";
    /** An answer of about 8 MB: far more than the socket buffers of a client that reads nothing hold. */
    static final String LARGE = "{ users(where: {email: {eq: \"in-flight\"}}) { uid name } }";
    static final String SMALL = "{ users(where: {name: {eq: \"nobody\"}}) { uid } }";

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    final List<RawHttp> open = new ArrayList<>();

    @BeforeEach
    void seed() {
        db.clear();
        db.update("insert into app_user (uid, created_at, updated_at, name, email) select gen_random_uuid(), now(), now(), "
                + "repeat('n', 2000) || i, 'in-flight' from generate_series(1, 4000) i");
    }

    @AfterEach
    void hangUp() {
        open.forEach(RawHttp::close);
    }

    @Test
    void shouldRefuseAClientWhoseAnswersAreUnreadAndServeOthersUntilItHangsUp() {
        RawHttp first = neverReading();
        RawHttp second = neverReading();
        // both answers are being written (their heads arrived): Vert.x considers both responses ended
        assertTrue(first.readHead().startsWith("HTTP/1.1 200"));
        assertTrue(second.readHead().startsWith("HTTP/1.1 200"));

        String refused = small(GREEDY);
        assertTrue(refused.startsWith("HTTP/1.1 429"), refused);
        assertTrue(refused.contains("Retry-After: 1\r\n") || refused.contains("retry-after: 1\r\n"), refused);
        JsonPath error = JsonPath.from(refused.substring(refused.indexOf("\r\n\r\n") + 4));
        assertEquals("RATE_LIMITED", error.getString("errors[0].extensions.code"), refused);
        assertTrue(error.getString("errors[0].message").contains("tidemark.limits.max-requests-in-flight-per-client"), refused);

        assertEquals(List.of(), GraphQL.ok(SMALL).getList("data.users"), "another client is served meanwhile");
        assertTrue(small("127.0.0.3").startsWith("HTTP/1.1 200"), "and another address");

        first.close(); // hangs up without reading: its place comes back
        await().atMost(Duration.ofSeconds(10)).until(() -> small(GREEDY).startsWith("HTTP/1.1 200"));
    }

    @Test
    void shouldGiveAPlaceBackOnceItsAnswerIsWritten() {
        RawHttp unread = neverReading();
        assertTrue(unread.readHead().startsWith("HTTP/1.1 200"));
        // one place left: answers read in full give it back every time
        try (RawHttp reader = RawHttp.connect(GREEDY, graphql)) {
            for (int i = 0; i < 5; i++) {
                reader.send(request(SMALL));
                String answer = reader.readResponse();
                assertTrue(answer.startsWith("HTTP/1.1 200"), "request " + i + ": " + answer);
            }
        }
        // On another connection (maybe another event loop), the last small answer's place may come back
        // just after its client read it: the server gives it back once those bytes are in the socket.
        RawHttp[] reader = new RawHttp[1];
        String[] answer = new String[1];
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            reader[0] = RawHttp.connect(GREEDY, graphql);
            open.add(reader[0]);
            reader[0].send(request(LARGE));
            answer[0] = reader[0].readResponse();
            if (answer[0].startsWith("HTTP/1.1 429")) {
                reader[0].close();
                return false;
            }
            return true;
        });
        assertTrue(answer[0].startsWith("HTTP/1.1 200") && answer[0].length() > 8_000_000, answer[0].substring(0, 200));
        // its last bytes were written before they were read; the place comes back on the server's event loop,
        // its connection still open
        await().atMost(Duration.ofSeconds(5)).until(() -> small(GREEDY).startsWith("HTTP/1.1 200"));
        reader[0].close();
        neverReading().readHead();
        assertTrue(small(GREEDY).startsWith("HTTP/1.1 429"), "two unread answers: the places are counted, not lost");
    }

    /** A connection from the greedy address that asks for the large answer and reads nothing. */
    RawHttp neverReading() {
        RawHttp connection = RawHttp.connect(GREEDY, graphql, 4096);
        open.add(connection);
        assertTrue(connection.send(request(LARGE)));
        return connection;
    }

    /** A small query from {@code address} on a connection of its own, its answer read whole. */
    String small(String address) {
        try (RawHttp connection = RawHttp.connect(address, graphql)) {
            connection.send(request(SMALL));
            return connection.readResponse();
        }
    }

    static String request(String document) {
        byte[] body = Hostile.body(document).getBytes(StandardCharsets.UTF_8);
        return "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Tokens.admin()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n"
                + new String(body, StandardCharsets.UTF_8);
    }
}
