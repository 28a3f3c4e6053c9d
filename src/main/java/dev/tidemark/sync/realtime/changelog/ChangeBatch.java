package dev.tidemark.sync.realtime.changelog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The change-log entries one tailer read made visible, with the rows they name, read in the same
 * repeatable-read snapshot, and the cursor every event of the batch carries.
 */
public final class ChangeBatch {

    /** Changed rows by SQL table name, then uid. */
    public final Map<String, Map<UUID, ChangedRow>> changed = new LinkedHashMap<>();
    public final BatchLookup now;
    public final BeforeLookup before;
    public final String cursor;
    /** When the oldest entry of the batch was written (for the lag metric); null if unknown. */
    public java.time.Instant oldest;

    ChangeBatch(BatchLookup now, String cursor) {
        this.now = now;
        this.before = new BeforeLookup(now, changed);
        this.cursor = cursor;
    }

    /**
     * Thrown by a batch taken from announced changes ({@link AnnouncedChanges}) when deciding it needs a
     * row it does not hold (a related row, in a scope across relations): there is no snapshot to read it
     * in, so the batch is dropped before any event is written and the tailer reads the log instead.
     */
    public static final class NeedsRead extends RuntimeException {

        NeedsRead() {
            super("an announced batch needs a row it does not hold: the change log is read instead", null, false, false);
        }
    }

    public Map<UUID, ChangedRow> rowsOf(String table) {
        return changed.getOrDefault(table, Map.of());
    }
}
