package dev.tidemark.demo;

import static dev.tidemark.support.GraphQL.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQLWs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A document graphql-java cannot parse, over HTTP and in a graphql-transport-ws subscribe, answers
 * {@code GRAPHQL_PARSE_FAILED} with what was wrong (graphql-java's offending token, or the parser
 * limit that stopped it) and where, naming no Java class; SmallRye alone answered every one of them
 * with a code-less {@code Unparseable input document}.
 */
@QuarkusTest
class ParseFailureTest {

    /** A Java class name or an exception's: what no message may show. */
    static final Pattern JAVA = Pattern.compile("[a-z]+\\.[a-z]+\\.[A-Za-z]|Exception|Unparseable");

    @TestHTTPResource("/graphql")
    URI graphql;

    static Map<String, String> documents() {
        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("cut short", "{ users(");
        documents.put("a stray brace", "{ users { uid } } }");
        documents.put("a long unfinished string", "{ users(where: {name: {eq: \"" + "x".repeat(100_000) + "}}) { uid } }");
        StringBuilder aliases = new StringBuilder("{");
        for (int i = 0; i < 5000; i++) {
            aliases.append(" a").append(i).append(": __typename");
        }
        documents.put("5,000 aliases", aliases.append(" }").toString());
        documents.put("a where 500 deep", "{ users(where: " + "{not: ".repeat(500) + "{name: {eq: \"x\"}}" + "}".repeat(500) + ") { uid } }");
        StringBuilder fragments = new StringBuilder("{ users { ...F0 } }");
        for (int i = 0; i < 1000; i++) {
            fragments.append(" fragment F").append(i).append(" on User { ").append(i < 999 ? "...F" + (i + 1) : "uid").append(" }");
        }
        documents.put("1,000 nested fragments", fragments.toString());
        return documents;
    }

    @Test
    void shouldAnswerEveryUnparseableDocumentOverHttpWithACodeAndWhatWasWrong() {
        documents().forEach((shape, document) -> {
            JsonPath error = error(document); // HTTP 200, checked by the helper
            assertEquals("GRAPHQL_PARSE_FAILED", error.getString("extensions.code"), shape + ": " + error.prettify());
            String message = error.getString("message");
            System.out.printf("ParseFailureTest: %s -> %s%n", shape, message);
            assertFalse(JAVA.matcher(message).find(), shape + ": " + message);
            assertTrue(message.startsWith("the document ") && message.length() < 400, shape + ": " + message);
            assertTrue(error.getInt("locations[0].line") >= 1, shape + ": " + error.prettify());
        });
        JsonPath cut = error("{ users(");
        assertTrue(cut.getString("message").contains("line 1 column 9"), cut.prettify());
        JsonPath aliases = error(documents().get("5,000 aliases"));
        assertTrue(aliases.getString("message").contains("quarkus.smallrye-graphql.parser-max-tokens"), aliases.prettify());
    }

    @Test
    void shouldAnswerAnUnparseableSubscriptionWithACodeAndKeepTheConnection() {
        try (GraphQLWs ws = GraphQLWs.connect(graphql)) {
            JsonObject error = GraphQLWs.firstError(ws.message(ws.subscribe("subscription { userChanged(")));
            assertEquals("GRAPHQL_PARSE_FAILED", error.getJsonObject("extensions").getString("code"), error::toString);
            assertTrue(error.getString("message").contains("line 1 column"), error::toString);
            assertFalse(JAVA.matcher(error.getString("message")).find(), error::toString);
            ws.subscribeReady("subscription { userChanged { operation } }"); // the connection still works
        }
    }
}
