package dev.tidemark.sync.limits;

import io.vertx.core.buffer.Buffer;

/**
 * Counts a JSON request body chunk by chunk as it arrives, without building anything, and reports
 * the first limit it breaks: a string longer than {@code maxStringLength} bytes (as sent, escapes
 * included), a number longer than {@code maxNumberLength} (parsing a number of n digits costs n²),
 * more than {@code maxValues} values (array elements and object members, at every level), nesting
 * deeper than {@code maxDepth}, or more than {@code maxRows} elements in the sync's row lists
 * ({@code held} and {@code changes}, all scopes together). So a hostile body is refused after
 * reading at most one limit's worth of it, before any JSON parser materialises it.
 *
 * <p>It checks sizes only: malformed JSON passes here and is refused by the parser afterwards.
 * Not thread-safe: one instance per request, fed on that request's event loop.
 */
final class JsonBodyScanner {

    /** The limits, and the configuration key of each (for the refusal's message). */
    record Limits(long maxStringLength, int maxNumberLength, long maxValues, int maxDepth, long maxRows) {
        static final String STRING_KEY = "tidemark.limits.max-string-length";
        static final String NUMBER_KEY = "tidemark.limits.max-number-length";
        static final String VALUES_KEY = "tidemark.limits.max-json-values";
        static final String DEPTH_KEY = "tidemark.limits.max-json-depth";
        static final String ROWS_KEY = "tidemark.sync.max-rows";
    }

    /** The first limit broken: its key, where in the body ({@code variables.input.users[0].held[200000]}), and why. */
    record Violation(String key, String path, String message) {
    }

    /** Members whose array elements are sync rows: the scope inputs' {@code held} and {@code changes}. */
    private static final String[] ROW_LISTS = { "held", "changes" };
    private static final int KEY_PREFIX = 64;

    private final Limits limits;
    private final boolean[] array;
    private final boolean[] rowList;
    private final boolean[] expectKey;
    private final String[] keys;
    private final long[] index;
    private int depth;
    private long values;
    private long rows;

    private boolean inString;
    private boolean stringIsKey;
    private boolean escaped;
    private boolean inLiteral;
    private long tokenLength;
    private final StringBuilder key = new StringBuilder();
    private Violation violation;

    JsonBodyScanner(Limits limits) {
        this.limits = limits;
        int frames = limits.maxDepth() + 2;
        array = new boolean[frames];
        rowList = new boolean[frames];
        expectKey = new boolean[frames];
        keys = new String[frames];
        index = new long[frames];
    }

    /** Counts the next bytes of the body; returns the first violation (again on later calls), or null. */
    Violation feed(Buffer chunk) {
        for (int i = 0, n = chunk.length(); i < n && violation == null; i++) {
            next(chunk.getByte(i));
        }
        return violation;
    }

    private void next(byte b) {
        if (inString) {
            string(b);
            return;
        }
        if (inLiteral) {
            if (isLiteralByte(b)) {
                token();
                return;
            }
            inLiteral = false;
        }
        switch (b) {
            case ' ', '\n', '\r', '\t' -> {
            }
            case '{', '[' -> open(b == '[');
            case '}', ']' -> depth = Math.max(0, depth - 1);
            case ':' -> expectKey[depth] = false;
            case ',' -> expectKey[depth] = !array[depth];
            case '"' -> {
                stringIsKey = depth > 0 && !array[depth] && expectKey[depth];
                if (stringIsKey) {
                    key.setLength(0);
                } else {
                    value();
                }
                inString = true;
                tokenLength = 0;
            }
            default -> {
                value();
                inLiteral = true;
                tokenLength = 0;
                token();
            }
        }
    }

    private void string(byte b) {
        if (escaped) {
            escaped = false;
        } else if (b == '\\') {
            escaped = true;
        } else if (b == '"') {
            inString = false;
            if (stringIsKey) {
                keys[depth] = key.toString();
            }
            return;
        }
        if (stringIsKey && key.length() < KEY_PREFIX) {
            key.append((char) (b & 0xff));
        }
        token();
    }

    private void token() {
        tokenLength++;
        if (inLiteral && tokenLength > limits.maxNumberLength()) {
            refuse(Limits.NUMBER_KEY, "a number of more than " + limits.maxNumberLength() + " characters");
        } else if (!inLiteral && tokenLength > limits.maxStringLength()) {
            refuse(Limits.STRING_KEY, "a string of more than " + limits.maxStringLength() + " bytes");
        }
    }

    private void open(boolean isArray) {
        value();
        if (violation != null) {
            return;
        }
        boolean rows = isArray && depth > 0 && !array[depth] && isRowList(keys[depth]);
        if (depth == limits.maxDepth()) {
            refuse(Limits.DEPTH_KEY, "JSON nested more than " + limits.maxDepth() + " levels deep");
            return;
        }
        depth++;
        array[depth] = isArray;
        rowList[depth] = rows;
        expectKey[depth] = !isArray;
        keys[depth] = null;
        index[depth] = -1;
    }

    /** A value starts at the current position: count it, and its row if it is an element of a row list. */
    private void value() {
        if (depth > 0 && array[depth]) {
            index[depth]++;
            if (rowList[depth] && ++rows > limits.maxRows()) {
                refuse(Limits.ROWS_KEY, "more than " + limits.maxRows() + " sync rows (held and changes, all scopes together)");
                return;
            }
        }
        if (++values > limits.maxValues()) {
            refuse(Limits.VALUES_KEY, "more than " + limits.maxValues() + " JSON values (array elements and object members)");
        }
    }

    private void refuse(String limitKey, String what) {
        violation = new Violation(limitKey, path(), what);
    }

    /** Where the scanner is, as a path of member names and indexes. */
    private String path() {
        StringBuilder path = new StringBuilder();
        for (int level = 1; level <= depth; level++) {
            if (array[level]) {
                path.append('[').append(Math.max(0, index[level])).append(']');
            } else if (keys[level] != null) {
                path.append(path.length() == 0 ? "" : ".").append(keys[level]);
            }
        }
        return path.toString();
    }

    private static boolean isRowList(String name) {
        for (String rowList : ROW_LISTS) {
            if (rowList.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLiteralByte(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '-' || b == '+' || b == '.';
    }
}
