package dev.tidemark.sync.query;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.json.Json;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.GraphQL;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.Tokens;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphqlErrorBuilder;
import graphql.execution.ResultPath;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.graphql.execution.ExecutionResponse;

/**
 * Answers written directly ({@link DirectJsonEventingService}) are the bytes SmallRye's JSON-P path
 * gives: results of every kind of value and nasty strings through both writers, and answers over HTTP
 * with direct writing off, then on.
 */
@QuarkusTest
class DirectJsonTest {

    /** Every control character, quotes, backslashes, non-ASCII, pairs and lone halves of surrogates, line separators. */
    static final String NASTY = "\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f \"quoted\" back\\slash /slash \u007f\u0080\u00e9\u00ff"
            + "\u0100\u4e2d\u2028\u2029\ud83d\ude00 lone \ud83d high, lone \ude00 low \ufeff\uffff end";

    @Inject
    Db db;

    @BeforeEach
    void usualWay() {
        // the usual way is what this test measures: a document sent twice would be answered on the route the second time
        DirectQueries.enable(false);
    }

    @AfterEach
    void restore() {
        DirectJsonEventingService.enable(true);
        DirectQueries.enable(true);
    }

    @Test
    void shouldWriteEveryKindOfValueAsSmallRyeDoes() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("nasty", NASTY);
        row.put("empty", "");
        row.put(NASTY, "a key as nasty as a value");
        row.put("null", null);
        row.put("true", true);
        row.put("false", false);
        row.put("ints", List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, (short) -7, (byte) 5));
        row.put("longs", List.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, 9_007_199_254_740_993L));
        row.put("doubles", List.of(0.0, -0.0, 0.1, 1.0, 1e20, 1.5e-10, Double.MAX_VALUE, Double.MIN_VALUE, -3.25));
        row.put("floats", List.of(0.1f, 1e20f, -2.5f));
        row.put("decimals", List.of(new BigDecimal("1E+3"), new BigDecimal("0.000001"), new BigDecimal("-12.3400"),
                new BigInteger("123456789012345678901234567890")));
        row.put("enum", ErrorType.ValidationError);
        row.put("times", List.of(OffsetDateTime.parse("2026-12-02T04:42:37.123456Z"), OffsetDateTime.parse("2026-01-01T00:00Z"),
                OffsetDateTime.parse("1999-12-31T23:59:59.5+05:30"), OffsetDateTime.parse("2026-06-01T12:00:01.000000001-08:00")));
        row.put("nested", List.of(List.of(), Map.of(), List.of(Map.of("a", List.of(1, "b")))));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("rows", List.of(row, row));
        data.put("nothing", null);
        assertSameAnswer(ExecutionResultImpl.newExecutionResult().data(data).build());
        assertSameAnswer(ExecutionResultImpl.newExecutionResult().data(data)
                .addError(GraphqlErrorBuilder.newError().message("bad " + NASTY).path(ResultPath.parse("/rows/1/nasty"))
                        .extensions(Map.of("code", "BAD_USER_INPUT")).build())
                .addExtension("cost", 12).addExtension(NASTY, List.of(NASTY)).build());
    }

    @Test
    void shouldWriteRandomStringsAsSmallRyeDoes() {
        Random random = new Random(20261202);
        List<Object> strings = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                // mostly the characters that need care: controls, quote, backslash, surrogates; then any
                int pick = random.nextInt(6);
                chars[j] = (char) (pick == 0 ? random.nextInt(0x20) : pick == 1 ? "\"\\/".charAt(random.nextInt(3))
                        : pick == 2 ? 0xd800 + random.nextInt(0x800) : random.nextInt(0x10000));
            }
            strings.add(new String(chars));
        }
        assertSameAnswer(ExecutionResultImpl.newExecutionResult().data(Map.of("strings", strings)).build());
    }

    @Test
    void shouldLeaveToSmallRyeWhatOnlyJsonBOrJsonPWouldWrite() {
        for (Object odd : List.of('c', new AtomicLong(3), Json.createValue("json-p"), Double.NaN, UUID.randomUUID())) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("value", odd);
            assertNull(DirectJsonEventingService.written(ExecutionResultImpl.newExecutionResult().data(data).build()), odd::toString);
        }
        assertNull(DirectJsonEventingService.written(ExecutionResultImpl.newExecutionResult().build()), "no data");
        assertNull(DirectJsonEventingService.written(ExecutionResultImpl.newExecutionResult()
                .addError(GraphqlErrorBuilder.newError().message("failed").build()).build()), "errors only");
    }

    @Test
    void shouldAnswerListsSyncsAndErrorsOverHttpAsSmallRyeDoes() {
        db.clear();
        for (int i = 0; i < 30; i++) {
            db.update("insert into app_user (uid, created_at, updated_at, name, email) values (?, now(), now(), ?, ?)",
                    UUID.randomUUID(), "user " + i + " " + NASTY, "u" + i + "\t@example.com");
        }
        db.update("update app_user set email = null where name like 'user 1%'");
        String columns = "{ users(includeDeleted: true) { uid name email createdBy createdAt updatedAt deletedAt version } }";
        long before = DirectJsonEventingService.writtenAnswers();
        byte[] off = post(columns, false);
        assertEquals(before, DirectJsonEventingService.writtenAnswers(), "off: SmallRye's path");
        byte[] on = post(columns, true);
        assertEquals(before + 1, DirectJsonEventingService.writtenAnswers(), "on: written directly");
        assertArrayEquals(off, on, () -> new String(on, StandardCharsets.UTF_8));
        assertTrue(new String(on, StandardCharsets.UTF_8).contains("\\u0001"));

        String failing = """
                { bad: users(where: {uid: {eq: "not-a-uid"}}) { uid } good: users { uid name memberships { uid } } __typename }""";
        assertArrayEquals(post(failing, false), post(failing, true));
        assertArrayEquals(post("{ __schema { queryType { name fields { name args { name defaultValue } } } } }", false),
                post("{ __schema { queryType { name fields { name args { name defaultValue } } } } }", true));

        assertEquals(sync(false), sync(true));
    }

    private static void assertSameAnswer(ExecutionResult result) {
        ExecutionResult written = DirectJsonEventingService.written(result);
        assertNotNull(written, "written directly");
        assertEquals(new ExecutionResponse(result).getExecutionResultAsString(),
                new ExecutionResponse(written).getExecutionResultAsString());
    }

    private static byte[] post(String document, boolean direct) {
        return postBody(GraphQL.body(document), direct);
    }

    private static byte[] postBody(String body, boolean direct) {
        DirectJsonEventingService.enable(direct);
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + Tokens.admin())
                .body(body).when().post("/graphql")
                .then().statusCode(200).extract().asByteArray();
    }

    /** A first sync of every user, as sent; the sync id, the cursor and the stamps name its moment, not its rows. */
    private static String sync(boolean direct) {
        byte[] answer = postBody(GraphQL.body(SyncCall.DOCUMENT, "input",
                new SyncCall().scope("users", null, Map.of(), List.of()).input()), direct);
        assertTrue(new String(answer, StandardCharsets.UTF_8).contains("upserts"));
        return new String(answer, StandardCharsets.UTF_8).replaceAll("\"(syncId|cursor|stamp)\":\"[^\"]*\"", "");
    }
}
