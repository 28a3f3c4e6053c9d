package dev.tidemark.sync.schema;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * The row versions a client may send: whole numbers from 0 to 2^53 − 1, the largest integer a
 * JavaScript number holds exactly. A version outside them cannot be one the server gave (the
 * web client could not even hold it), so it is refused rather than compared: 2^70 used to be
 * read as some other {@code long} and answered as if it were a real version.
 */
public final class Versions {

    /** 2^53 − 1 ({@code Number.MAX_SAFE_INTEGER}). */
    public static final long MAX = (1L << 53) - 1;

    private Versions() {
    }

    /** The version, or BAD_USER_INPUT naming {@code path} when it is outside 0..2^53 − 1. */
    public static long require(long version, String path) {
        if (version < 0 || version > MAX) {
            throw new InvalidInputException(path, version + " is not a version: versions are whole numbers from 0 to "
                    + MAX + " (2^53 - 1, the largest a JavaScript client holds exactly)");
        }
        return version;
    }
}
