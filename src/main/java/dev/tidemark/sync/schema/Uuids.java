package dev.tidemark.sync.schema;

import java.util.UUID;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * The uids a client may send: canonical UUID text, 8-4-4-4-12 hexadecimal digits. Checked without a
 * regex, as a sync may carry 100k of them.
 */
public final class Uuids {

    private Uuids() {
    }

    /** Parses a canonical UUID string, naming {@code path} when it is not one. */
    public static UUID parse(String text, String path) {
        if (!isUuid(text)) {
            throw new InvalidInputException(path, "'" + abbreviate(text) + "' is not a valid UUID "
                    + "(expected 8-4-4-4-12 hexadecimal digits, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301)");
        }
        return UUID.fromString(text);
    }

    /** Whether the text is a canonical UUID: 8-4-4-4-12 hexadecimal digits. */
    public static boolean isUuid(String text) {
        if (text == null || text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 64 ? String.valueOf(text) : text.substring(0, 61) + "...";
    }
}
