package dev.tidemark.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Sends GraphQL documents (text blocks) with variables to the running test server, the way any
 * HTTP client would, and checks the envelope. Variables are given as alternating name/value pairs.
 */
public final class GraphQL {

    private GraphQL() {
    }

    /** Runs the operation as an admin (row policies bypassed) and returns the whole response body. */
    public static JsonPath post(String document, Object... variables) {
        return postAs(Tokens.admin(), document, variables);
    }

    /** Runs the operation with a bearer token (null: none) and returns the whole response body. */
    public static JsonPath postAs(String token, String document, Object... variables) {
        var request = given().contentType(ContentType.JSON).body(body(document, variables));
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.when().post("/graphql")
                .then().statusCode(200)
                .extract().jsonPath();
    }

    /** Like {@link #ok}, acting with {@code token}. */
    public static JsonPath okAs(String token, String document, Object... variables) {
        JsonPath response = postAs(token, document, variables);
        assertNull(response.get("errors"), () -> "unexpected errors: " + response.prettify());
        return response;
    }

    /** Like {@link #error}, acting with {@code token}. */
    public static JsonPath errorAs(String token, String document, Object... variables) {
        JsonPath response = postAs(token, document, variables);
        List<Object> errors = response.getList("errors");
        assertNotNull(errors, () -> "expected an error, got: " + response.prettify());
        return new JsonPath(response.prettify()).setRootPath("errors[0]");
    }

    /** Runs the operation, asserts it has no errors, and returns the response (read paths from {@code data.}). */
    public static JsonPath ok(String document, Object... variables) {
        JsonPath response = post(document, variables);
        assertNull(response.get("errors"), () -> "unexpected errors: " + response.prettify());
        return response;
    }

    /** Runs the operation, asserts it failed, and returns its first error ({@code message}, {@code extensions.code}...). */
    public static JsonPath error(String document, Object... variables) {
        JsonPath response = post(document, variables);
        List<Object> errors = response.getList("errors");
        assertNotNull(errors, () -> "expected an error, got: " + response.prettify());
        return new JsonPath(response.prettify()).setRootPath("errors[0]");
    }

    /** The JSON body of a request: {@code {"query": document, "variables": {...}}}. */
    public static String body(String document, Object... variables) {
        return Json.createObjectBuilder()
                .add("query", document)
                .add("variables", toJson(vars(variables)))
                .build().toString();
    }

    /** The response body as sent (status 200 expected), acting with {@code token}: for comparing two answers byte for byte. */
    public static String raw(String token, String document, Map<String, Object> variables) {
        Object[] pairs = variables.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray();
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(body(document, pairs)).when().post("/graphql")
                .then().statusCode(200).extract().asString();
    }

    public static Map<String, Object> vars(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    static JsonValue toJson(Object value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        if (value instanceof Map<?, ?> map) {
            JsonObjectBuilder object = Json.createObjectBuilder();
            ((Map<String, Object>) map).forEach((k, v) -> object.add(k, toJson(v)));
            return object.build();
        }
        if (value instanceof List<?> list) {
            JsonArrayBuilder array = Json.createArrayBuilder();
            list.forEach(v -> array.add(toJson(v)));
            return array.build();
        }
        if (value instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (value instanceof Integer || value instanceof Long) {
            return Json.createValue(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return Json.createValue(n.doubleValue());
        }
        return Json.createValue(value.toString());
    }
}
