package dev.tidemark.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.RawWebSocket;
import dev.tidemark.sync.auth.DevKeysConfigSourceFactory;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;

/**
 * What a WebSocket client is told when it is closed (issue 14, point 7): a short fixed sentence and,
 * for a refused token, an error id; never the verifier's text, the token's claims, a Java class name
 * or a library's message. The details are in the server log under that id.
 */
@QuarkusTest
class CloseReasonTest {

    static final Pattern ERROR_ID = Pattern.compile("\\(error id ([0-9a-f]{8})\\)");

    @TestHTTPResource("/graphql")
    URI graphql;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("dev.tidemark.sync.auth.TokenIdentities").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("dev.tidemark.sync.auth.TokenIdentities").removeHandler(capture);
    }

    @Test
    void shouldCloseRefusedTokensWith4403AFixedSentenceAndAnErrorIdOnly() {
        Map<String, String> tokens = TokenTest.unverifiable();
        String subject = "root-" + Demo.uid().substring(0, 8);
        tokens.put("subject not a uid", Jwt.issuer(DevKeysConfigSourceFactory.DEV_ISSUER).subject(subject)
                .expiresAt(Instant.now().plusSeconds(600)).sign());
        Map<String, String> sentences = Map.of("expired", "token expired", "subject not a uid", "token subject is not a user uid");
        tokens.forEach((what, token) -> {
            String reason = refusal(GraphQLWs.initMessage(token));
            String sentence = sentences.getOrDefault(what, "invalid token");
            Matcher id = ERROR_ID.matcher(reason);
            assertTrue(reason.startsWith("Forbidden: " + sentence + " (error id ") && id.find(), what + ": " + reason);
            assertNoInternals(reason, what);
            assertFalse(reason.contains(subject) || reason.contains("evil.example"), what + " quotes a claim: " + reason);
            assertTrue(logged.stream().anyMatch(line -> line.contains(id.group(1))), what + ": the details are logged under " + id.group(1));
        });
        assertTrue(logged.stream().anyMatch(line -> line.contains("evil.example")), "the log has the verifier's details");
        assertEquals("Forbidden: a token is required", refusal("{\"type\":\"connection_init\",\"payload\":{}}"));
    }

    @Test
    void shouldCutTheClientsOwnTextInACloseReasonToWhatACloseFrameHolds() {
        String type = "é".repeat(300);
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            ws.send("{\"type\":\"" + type + "\"}");
            assertEquals(4400, ws.closeCode());
            assertFits(ws.closeReason());
            assertTrue(ws.closeReason().startsWith("Unexpected message of type é"), ws.closeReason());
        }
        String id = "x".repeat(500);
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            String query = "subscription { userChanged(where: {name: {eq: \\\"nobody\\\"}}) { operation } }";
            String subscribe = "{\"id\":\"" + id + "\",\"type\":\"subscribe\",\"payload\":{\"query\":\"" + query + "\"}}";
            ws.send(subscribe);
            ws.send(subscribe);
            assertEquals(4409, ws.closeCode());
            assertFits(ws.closeReason());
        }
    }

    @Test
    void shouldCloseInvalidFramesWithAFixedSentenceNotTheLibrarysText() {
        try (RawWebSocket ws = RawWebSocket.open(graphql, "graphql-transport-ws", 65536)) {
            ws.sendFrame(0x80, "{}".getBytes(StandardCharsets.UTF_8)); // a continuation frame with nothing to continue
            RawWebSocket.Frame close = ws.readUntilClose(new long[1]);
            assertNotNull(close);
            assertEquals(1002, close.closeCode());
            assertEquals("invalid WebSocket frame", close.closeReason());
        }
    }

    private String refusal(String init) {
        try (GraphQLWs ws = GraphQLWs.open(graphql)) {
            ws.send(init);
            assertEquals(4403, ws.closeCode());
            return ws.closeReason();
        }
    }

    private static void assertNoInternals(String reason, String what) {
        assertFits(reason);
        for (String internal : new String[] { "JWT", "claims", "jose4j", "Exception", "\"iss\"", "\"sub\"", "{" }) {
            assertFalse(reason.contains(internal), what + ": " + reason);
        }
    }

    private static void assertFits(String reason) {
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, "a close reason holds 123 bytes: " + reason);
    }
}
