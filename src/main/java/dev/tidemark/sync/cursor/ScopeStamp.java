package dev.tidemark.sync.cursor;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * The position a scope was synced at, handed to the client with each scope's result and sent back
 * with the scope on the next sync, to be answered from the change log (docs/protocol.md, "Reconnect
 * from the change log"). Clients treat it as opaque.
 *
 * <p>Text form, version 2: {@code 2:<incarnation>:<scope>:<xmin>@<ISO-8601 instant>}.
 * {@code incarnation} names the database history the stamp belongs to (a crash recovery, a restore
 * or a failover starts a new one: design §4, "Reconnect from the change log"); {@code scope} is the
 * key of the scope as the server compiled it (table, where and row policy of the identity), so a
 * stamp is never used for another scope; {@code xmin} and the instant are a {@link SyncCursor}.
 * A version-1 text (a bare cursor, {@code <xmin>@<instant>}) is accepted and never trusted.
 *
 * @param incarnation the database incarnation, null for a version-1 stamp
 * @param scope the scope key, null for a version-1 stamp
 * @param cursor the snapshot watermark and time
 */
public record ScopeStamp(UUID incarnation, String scope, SyncCursor cursor) {

    private static final String V2 = "2:";

    public String encode() {
        return V2 + incarnation + ":" + scope + ":" + cursor.encode();
    }

    /** Whether this stamp carries an incarnation and a scope key (version 2 or later). */
    public boolean versioned() {
        return incarnation != null;
    }

    /** Parses a stamp a client sent back; {@code field} names the input in errors. */
    public static ScopeStamp decode(String text, String field) {
        if (text != null && text.startsWith(V2)) {
            String[] parts = text.split(":", 4);
            try {
                if (parts.length == 4 && !parts[2].isEmpty()) {
                    return new ScopeStamp(UUID.fromString(parts[1]), parts[2], SyncCursor.decode(parts[3], field));
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                // reported below
            }
            throw invalid(text, field);
        }
        if (text != null && !text.isEmpty() && Character.isDigit(text.charAt(0))) {
            return new ScopeStamp(null, null, SyncCursor.decode(text, field));
        }
        throw invalid(text, field);
    }

    private static InvalidInputException invalid(String text, String field) {
        String shown = text == null || text.length() <= 80 ? text : text.substring(0, 77) + "...";
        return new InvalidInputException(field, "'" + shown + "' is not a stamp this server issued; send back the stamp "
                + "of this scope's last sync result, or null to compare the whole scope");
    }

    /** Convenience for tests and benchmarks: a version-2 stamp. */
    public static ScopeStamp of(UUID incarnation, String scope, long xmin, Instant at) {
        return new ScopeStamp(incarnation, scope, new SyncCursor(xmin, at));
    }
}
