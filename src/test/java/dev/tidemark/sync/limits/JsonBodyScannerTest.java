package dev.tidemark.sync.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/**
 * The streaming counter against a reference that parses the whole JSON: for random documents cut
 * into random chunks, it reports a violation exactly when a count is over its limit, and names that
 * limit; plus the paths it reports and the tricky bytes (escaped quotes, keys, literals).
 */
class JsonBodyScannerTest {

    /** Looked up once: {@code Json.create...} looks the provider up on every call. */
    static final JsonProvider JSON = JsonProvider.provider();

    @Test
    void shouldNameThePathOfTheRowOverTheLimit() {
        String json = """
                {"query": "mutation { sync }", "variables": {"input": {"syncId": "s", "users": [
                  {"held": ["a:1", "b:2"], "changes": []},
                  {"where": {"name": {"in": ["x", "y", "z"]}}, "held": [], "changes": [{"uid": "c", "name": "held"}, {"uid": "d"}]}]}}}""";
        JsonBodyScanner.Violation violation = scan(json, new JsonBodyScanner.Limits(1000, 1000, 1000, 20, 3), 7);
        assertNotNull(violation);
        assertEquals("tidemark.sync.max-rows", violation.key());
        assertEquals("variables.input.users[1].changes[1]", violation.path());
        assertNull(scan(json, new JsonBodyScanner.Limits(1000, 1000, 1000, 20, 4), 7), "the in-list and keys are no rows");
    }

    @Test
    void shouldCountEscapedQuotesAndBackslashesInsideTheString() {
        String json = "{\"variables\": {\"name\": \"a\\\"b\\\\\", \"other\": \"" + "x".repeat(10) + "\"}}";
        JsonBodyScanner.Violation violation = scan(json, new JsonBodyScanner.Limits(9, 9, 1000, 20, 1000), 1);
        assertNotNull(violation);
        assertEquals("variables.other", violation.path(), "the escaped quote did not end the first string");
        assertNull(scan(json, new JsonBodyScanner.Limits(10, 10, 1000, 20, 1000), 3));
    }

    @Test
    void shouldLimitNumbersAndDepthAndValues() {
        assertEquals("tidemark.limits.max-number-length", scan("{\"x\": 1234567890123}", new JsonBodyScanner.Limits(12, 12, 10, 5, 10), 2).key());
        assertNull(scan("{\"x\": 123456789012}", new JsonBodyScanner.Limits(12, 12, 10, 5, 10), 2));
        assertEquals("tidemark.limits.max-string-length", scan("{\"x\": \"1234567890123\"}", new JsonBodyScanner.Limits(12, 12, 10, 5, 10), 2).key());
        assertEquals("tidemark.limits.max-json-depth", scan("[[[[[[]]]]]]", new JsonBodyScanner.Limits(12, 12, 10, 5, 10), 2).key());
        assertNull(scan("[[[[[]]]]]", new JsonBodyScanner.Limits(12, 12, 10, 5, 10), 2));
        // six values: the object, the array, 1, 2, the inner object, true
        assertEquals("tidemark.limits.max-json-values", scan("{\"a\": [1, 2, {\"b\": true}]}", new JsonBodyScanner.Limits(12, 12, 5, 5, 10), 1).key());
        assertNull(scan("{\"a\": [1, 2, {\"b\": true}]}", new JsonBodyScanner.Limits(12, 12, 6, 5, 10), 1));
    }

    @Test
    void shouldAgreeWithAFullParseOnRandomDocumentsCutAnywhere() {
        long seed = Long.getLong("test.seed", 20261205L);
        System.out.println("[JsonBodyScannerTest] seed " + seed + " (-Dtest.seed=N to replay)");
        Random random = new Random(seed);
        for (int round = 0; round < 2000; round++) {
            JsonValue document = randomValue(random, 0);
            String json = document.toString();
            Counts counts = new Counts();
            counts.visit(document, null, 0);
            JsonBodyScanner.Limits limits = new JsonBodyScanner.Limits(near(random, counts.longestString),
                    (int) near(random, counts.longestNumber), near(random, counts.values),
                    (int) near(random, counts.depth), near(random, counts.rows));
            JsonBodyScanner.Violation violation = scan(json, limits, 1 + random.nextInt(16));
            List<String> over = counts.over(limits);
            String context = "round " + round + " seed " + seed + ": " + json + " " + limits + " " + violation;
            assertEquals(!over.isEmpty(), violation != null, context);
            assertTrue(violation == null || over.contains(violation.key()), context);
        }
    }

    static long near(Random random, long actual) {
        return Math.max(1, actual - 1 + random.nextInt(3));
    }

    static JsonBodyScanner.Violation scan(String json, JsonBodyScanner.Limits limits, int chunk) {
        JsonBodyScanner scanner = new JsonBodyScanner(limits);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonBodyScanner.Violation violation = null;
        for (int i = 0; i < bytes.length && violation == null; i += chunk) {
            byte[] part = new byte[Math.min(chunk, bytes.length - i)];
            System.arraycopy(bytes, i, part, 0, part.length);
            violation = scanner.feed(Buffer.buffer(part));
        }
        return violation;
    }

    static JsonValue randomValue(Random random, int depth) {
        int kind = depth > 6 ? 2 + random.nextInt(3) : random.nextInt(6);
        switch (kind) {
            case 0 -> {
                JsonObjectBuilder object = JSON.createObjectBuilder();
                for (int i = random.nextInt(4); i > 0; i--) {
                    String[] names = { "held", "changes", "name", "where", "a\"b", "in" };
                    object.add(names[random.nextInt(names.length)] + (random.nextInt(4) == 0 ? i : ""), randomValue(random, depth + 1));
                }
                return object.build();
            }
            case 1, 5 -> {
                JsonArrayBuilder array = JSON.createArrayBuilder();
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                return array.build();
            }
            case 2 -> {
                String[] pieces = { "x", "\\", "\"", "é", "\n", "held", ":", "{", "]" };
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(8); i > 0; i--) {
                    text.append(pieces[random.nextInt(pieces.length)]);
                }
                return JSON.createValue(text.toString());
            }
            case 3 -> {
                return random.nextBoolean() ? JSON.createValue(random.nextLong()) : JSON.createValue(random.nextDouble() * 1e6);
            }
            default -> {
                JsonValue[] literals = { JsonValue.TRUE, JsonValue.FALSE, JsonValue.NULL };
                return literals[random.nextInt(literals.length)];
            }
        }
    }

    /** What a full parse says: longest string and number as written, values, depth, row-list elements. */
    static final class Counts {
        long longestString;
        long longestNumber;
        long values;
        long depth;
        long rows;

        void visit(JsonValue value, String member, int level) {
            values++;
            switch (value.getValueType()) {
                case OBJECT -> {
                    depth = Math.max(depth, level + 1);
                    for (Map.Entry<String, JsonValue> entry : ((JsonObject) value).entrySet()) {
                        longestString = Math.max(longestString, written(JSON.createValue(entry.getKey())) - 2);
                        visit(entry.getValue(), entry.getKey(), level + 1);
                    }
                }
                case ARRAY -> {
                    depth = Math.max(depth, level + 1);
                    List<JsonValue> elements = new ArrayList<>(value.asJsonArray());
                    if ("held".equals(member) || "changes".equals(member)) {
                        rows += elements.size();
                    }
                    elements.forEach(element -> visit(element, null, level + 1));
                }
                case STRING -> longestString = Math.max(longestString, written((JsonString) value) - 2);
                default -> longestNumber = Math.max(longestNumber, written(value)); // numbers, true, false, null
            }
        }

        static long written(JsonValue value) {
            return value.toString().getBytes(StandardCharsets.UTF_8).length;
        }

        List<String> over(JsonBodyScanner.Limits limits) {
            List<String> over = new ArrayList<>();
            if (longestString > limits.maxStringLength()) {
                over.add(JsonBodyScanner.Limits.STRING_KEY);
            }
            if (longestNumber > limits.maxNumberLength()) {
                over.add(JsonBodyScanner.Limits.NUMBER_KEY);
            }
            if (values > limits.maxValues()) {
                over.add(JsonBodyScanner.Limits.VALUES_KEY);
            }
            if (depth > limits.maxDepth()) {
                over.add(JsonBodyScanner.Limits.DEPTH_KEY);
            }
            if (rows > limits.maxRows()) {
                over.add(JsonBodyScanner.Limits.ROWS_KEY);
            }
            return over;
        }
    }
}
