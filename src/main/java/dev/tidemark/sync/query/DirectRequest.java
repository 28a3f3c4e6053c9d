package dev.tidemark.sync.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/** A request body read as the usual way reads it, for {@link DirectQueries}: its charset and its variables. */
final class DirectRequest {

    private DirectRequest() {
    }

    /** Whether a body of this content type is UTF-8 (no charset parameter, or UTF-8's). */
    static boolean utf8(String contentType) {
        int charset = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
        return charset < 0 || contentType.substring(charset + 8).trim().toLowerCase(Locale.ROOT).startsWith("utf-8")
                && contentType.indexOf("charset=", charset + 1) < 0;
    }

    /** The variables as graphql-java gets them from SmallRye, or null when one is a number (SmallRye's own conversion). */
    static Map<String, Object> variables(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> member : object.entrySet()) {
            Object value = plainValue(member.getValue());
            if (value == NUMBER) {
                return null;
            }
            map.put(member.getKey(), value);
        }
        return map;
    }

    private static final Object NUMBER = new Object();

    private static Object plainValue(JsonValue value) {
        switch (value.getValueType()) {
            case STRING:
                return ((JsonString) value).getString();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            case NULL:
                return null;
            case OBJECT:
                Map<String, Object> map = variables(value.asJsonObject());
                return map == null ? NUMBER : map;
            case ARRAY:
                JsonArray array = value.asJsonArray();
                List<Object> list = new ArrayList<>(array.size());
                for (JsonValue item : array) {
                    Object plain = plainValue(item);
                    if (plain == NUMBER) {
                        return NUMBER;
                    }
                    list.add(plain);
                }
                return list;
            default:
                return NUMBER;
        }
    }
}
