package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Bystander;
import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Large request bodies against the running server with its default limits, sent as raw HTTP: a
 * 60 MB sync, a single huge string, held lists over the row limit, and JSON made of many tiny
 * values, deep nesting or a long number. Each is refused with HTTP 413 and {@code LIMIT_EXCEEDED} while its body is
 * read (not after the whole JSON was built), writes nothing, and other clients sending small
 * queries meanwhile over their own connections keep getting answers (their latencies are printed).
 */
@QuarkusTest
class LargeBodyTest {

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    List<Map<String, Object>> snapshot;

    @BeforeEach
    void seed() {
        db.clear();
        Demo.user("Ann", null);
        snapshot = db.snapshot();
    }

    @Test
    void shouldRefuseA60MegabyteSyncBeforeReadingIt() {
        JsonObject error = refusedWhileOthersAreServed("60 MB sync of 1.3M held rows", sync(1_300_000));
        assertTrue(error.getString("message").contains("quarkus.http.limits.max-body-size"), error::toString);
    }

    @Test
    void shouldRefuseAHeldListOverTheRowLimitWhileReadingIt() {
        byte[] body = sync(260_000); // 12.5 MB: under the body limit, over tidemark.sync.max-rows (200,000)
        JsonObject error = refusedWhileOthersAreServed("12.5 MB sync of 260k held rows", body);
        assertTrue(error.getString("message").contains("tidemark.sync.max-rows"), error::toString);
        assertEquals("variables.input.users[0].held[200000]", error.getJsonObject("extensions").getString("field"), error::toString);
    }

    @Test
    void shouldRefuseASingleHugeStringWhileReadingItWritingNothing() {
        JsonObject error = refusedWhileOthersAreServed("60 MB name", saveUserNamed(60 << 20));
        assertTrue(error.getString("message").contains("quarkus.http.limits.max-body-size"), error::toString);
        error = refusedWhileOthersAreServed("10 MB name", saveUserNamed(10 << 20));
        assertTrue(error.getString("message").contains("tidemark.limits.max-string-length"), error::toString);
        assertEquals("variables.name", error.getJsonObject("extensions").getString("field"), error::toString);
        assertEquals(snapshot, db.snapshot(), "nothing written");
    }

    @Test
    void shouldRefuseJsonOfManyTinyValuesDeepNestingOrALongNumber() {
        StringBuilder values = new StringBuilder("{\"query\":\"{ users { uid } }\",\"variables\":{\"x\":[");
        for (int i = 0; i < 4_000_000; i++) {
            values.append(i == 0 ? "0" : ",0");
        }
        JsonObject error = refusedWhileOthersAreServed("8 MB list of 4M numbers", bytes(values.append("]}}")));
        assertTrue(error.getString("message").contains("tidemark.limits.max-json-values"), error::toString);
        String deep = "{\"query\":\"{ users { uid } }\",\"variables\":{\"x\":" + "[".repeat(1_000_000) + "]".repeat(1_000_000) + "}}";
        error = refusedWhileOthersAreServed("1M nested lists", deep.getBytes(StandardCharsets.UTF_8));
        assertTrue(error.getString("message").contains("tidemark.limits.max-json-depth"), error::toString);
        String number = "{\"query\":\"{ users { uid } }\",\"variables\":{\"x\":" + "7".repeat(300_000) + "}}";
        error = refusedWhileOthersAreServed("a number of 300k digits", number.getBytes(StandardCharsets.UTF_8));
        assertTrue(error.getString("message").contains("tidemark.limits.max-number-length"), error::toString);
    }

    @Test
    void shouldAcceptASyncOfExactlyTheRowLimitWithinTheBodyLimit() {
        byte[] body = sync(200_000);
        Response response = send(body);
        System.out.printf("[LargeBodyTest] sync of 200,000 held rows (%,d bytes): HTTP %d in %d ms%n", body.length, response.status,
                response.millis);
        assertEquals(200, response.status, response.body);
        assertNull(response.json().get("errors"), response.body);
    }

    /** Sends {@code body} while another client queries; asserts a coded 413 and that the other client was served throughout. */
    JsonObject refusedWhileOthersAreServed(String what, byte[] body) {
        Response response;
        try (Bystander others = Bystander.start(graphql, what)) {
            response = send(body);
            System.out.printf("[LargeBodyTest] %s (%,d bytes): HTTP %d in %d ms%n", what, body.length, response.status, response.millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertEquals(413, response.status, () -> what + ": " + response.body);
        JsonObject error = response.json().getJsonArray("errors").getJsonObject(0);
        assertEquals("LIMIT_EXCEEDED", error.getJsonObject("extensions").getString("code"), error::toString);
        return error;
    }

    record Response(int status, String body, long millis) {
        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    Response send(byte[] body) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(graphql).timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + Tokens.admin())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new AssertionError("the server must answer, not drop the connection", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A sync of one users scope holding {@code rows} rows, as a client would send it. */
    static byte[] sync(int rows) {
        StringBuilder json = new StringBuilder(rows * 48 + 2048);
        json.append("{\"query\":").append(Json.createValue(SyncCall.DOCUMENT))
                .append(",\"variables\":{\"input\":{\"syncId\":\"").append(Demo.uid()).append("\",\"users\":[{\"held\":[");
        for (int i = 0; i < rows; i++) {
            json.append(i == 0 ? "\"" : ",\"").append(String.format("%08x-0000-4000-8000-%012x", i, (long) i)).append(':').append(1_000_000 + i).append('"');
        }
        return bytes(json.append("],\"changes\":[]}]}}}"));
    }

    static byte[] saveUserNamed(int length) {
        StringBuilder json = new StringBuilder(length + 256);
        json.append("{\"query\":\"mutation($name: String!) { saveUser(input: {uid: \\\"").append(Demo.uid())
                .append("\\\", name: $name}) { uid } }\",\"variables\":{\"name\":\"");
        json.append("x".repeat(length));
        return bytes(json.append("\"}}"));
    }

    static byte[] bytes(StringBuilder json) {
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
