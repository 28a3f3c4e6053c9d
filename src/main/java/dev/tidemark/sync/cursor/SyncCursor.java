package dev.tidemark.sync.cursor;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import dev.tidemark.sync.error.InvalidInputException;

/**
 * A position in the server's history, handed to clients by every sync result and every event,
 * and sent back by the client as its cutoff on the next sync.
 *
 * <p>{@code xmin} is a PostgreSQL transaction id watermark ({@code xid8}): every transaction with
 * a smaller id had finished (committed or rolled back) when the cursor was taken, so its changes
 * are reflected in what the client received. Transaction ids, unlike sequence values, cannot be
 * "taken early and committed late" below the watermark, which is what lets a tailer or a sync
 * never miss a change committed out of order (docs/design.md §5). {@code at} is the server's clock at the
 * same moment, for humans and for the tombstone-retention horizon. Clients treat the encoded
 * form as opaque.
 *
 * @param xmin transaction id watermark
 * @param at server time when the cursor was taken
 */
public record SyncCursor(long xmin, Instant at) {

    private static final String SEPARATOR = "@";

    /** Opaque text form: {@code <xmin>@<ISO-8601 instant>}. */
    public String encode() {
        return xmin + SEPARATOR + at;
    }

    /** Parses a cursor a client sent back; {@code field} names the input for the error. */
    public static SyncCursor decode(String text, String field) {
        int split = text == null ? -1 : text.indexOf(SEPARATOR);
        try {
            if (split > 0) {
                return new SyncCursor(Long.parseLong(text.substring(0, split)), Instant.parse(text.substring(split + 1)));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // reported below
        }
        throw new InvalidInputException(field, "'" + text + "' is not a cursor this server issued; send back the cursor "
                + "of your last sync result or event, or null for a first sync");
    }

    public boolean isBefore(SyncCursor other) {
        return xmin < other.xmin;
    }
}
