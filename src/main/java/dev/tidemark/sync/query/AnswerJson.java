package dev.tidemark.sync.query;

import static io.smallrye.graphql.JsonProviderHolder.JSON_PROVIDER;
import static java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Map;

/**
 * Writes the data of a graphql-java result (maps, lists and scalars) as JSON text in one pass, the
 * text SmallRye's {@code ExecutionResponse} gives for it when it builds a JSON-P tree of the answer
 * and prints it with Parsson: members in the map's order, strings escaped as Parsson's generator
 * escapes them (quote, backslash, {@code \b \f \n \r \t}, other control characters as lowercase
 * {@code \\u00xx}, everything else as it is), numbers printed by the JSON-P provider's own number
 * values, an {@code OffsetDateTime} (the DateTime scalar's value, which SmallRye hands to JSON-B) in
 * JSON-B's default ISO format. Any other value SmallRye would hand to JSON-B (anything but a map with
 * string keys, a collection, a string, a boolean, a number of the JDK's, an enum or null) or a JSON-P value makes
 * {@link #write} return null, and the answer is left to SmallRye's path.
 */
public final class AnswerJson {

    /** A value this writer does not write as SmallRye would: the whole answer goes SmallRye's way. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();

    private final StringBuilder out;

    private AnswerJson(int capacity) {
        out = new StringBuilder(capacity);
    }

    /** The JSON text of {@code data}, or null when a value in it is one this writer leaves to SmallRye. */
    public static String write(Object data) {
        AnswerJson json = new AnswerJson(8192);
        try {
            json.value(data);
        } catch (RuntimeException e) {
            return null; // unsupported, or a value SmallRye's path fails on too (a NaN): it goes that way, as before
        }
        return json.out.toString();
    }

    private void value(Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String string) {
            string(string);
        } else if (value instanceof Map<?, ?> map) {
            object(map);
        } else if (value instanceof Collection<?> list) {
            array(list);
        } else if (value instanceof Boolean bool) {
            out.append(bool ? "true" : "false");
        } else if (value instanceof Number number) {
            out.append(number(number));
        } else if (value instanceof Enum<?> constant) {
            string(constant.name());
        } else if (value instanceof OffsetDateTime time) {
            string(ISO_OFFSET_DATE_TIME.format(time)); // JSON-B's default format, which SmallRye's path prints it with
        } else {
            throw UNSUPPORTED; // JSON-P values, and what SmallRye hands to JSON-B
        }
    }

    private void object(Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> member : map.entrySet()) {
            if (!(member.getKey() instanceof String key)) {
                throw UNSUPPORTED;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            string(key);
            out.append(':');
            value(member.getValue());
        }
        out.append('}');
    }

    private void array(Collection<?> list) {
        out.append('[');
        boolean first = true;
        for (Object element : list) {
            if (!first) {
                out.append(',');
            }
            first = false;
            value(element);
        }
        out.append(']');
    }

    /** The number as the JSON-P provider's number value prints it, made the way {@code ExecutionResponse} makes it. */
    private static String number(Number number) {
        if (number instanceof Integer || number instanceof Short || number instanceof Byte) {
            return JSON_PROVIDER.createValue(number.intValue()).toString();
        } else if (number instanceof Long) {
            return JSON_PROVIDER.createValue(number.longValue()).toString();
        } else if (number instanceof Double) {
            return JSON_PROVIDER.createValue(number.doubleValue()).toString();
        } else if (number instanceof Float) {
            return JSON_PROVIDER.createValue(new BigDecimal(String.valueOf(number.floatValue()))).toString();
        } else if (number instanceof BigDecimal decimal) {
            return JSON_PROVIDER.createValue(decimal).toString();
        } else if (number instanceof BigInteger integer) {
            return JSON_PROVIDER.createValue(integer).toString();
        }
        throw UNSUPPORTED; // AtomicLong and the like go to JSON-B in SmallRye
    }

    /** A JSON string as Parsson's generator writes it. */
    private void string(String s) {
        out.append('"');
        int start = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    String hex = Integer.toHexString(c);
                    out.append("\\u0000", 0, 6 - hex.length()).append(hex);
                }
            }
        }
        out.append(s, start, length).append('"');
    }
}
