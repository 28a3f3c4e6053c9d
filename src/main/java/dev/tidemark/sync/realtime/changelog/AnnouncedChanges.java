package dev.tidemark.sync.realtime.changelog;

import java.io.StringReader;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;

import org.postgresql.PGNotification;

import dev.tidemark.sync.entity.SyncedEntity;

/**
 * Transactions taken from their change-log notifications instead of a read of the log (docs/design.md,
 * "Announced changes"). The change-log trigger announces each of a transaction's first entries with
 * its row, and the commit announces how many entries the transaction wrote ({@code V31}); notifications
 * arrive after the commit, in commit order, each transaction's together. A drain of notifications
 * becomes a batch only when every transaction in it that the reader has not read is complete: each
 * entry announced with its row (of a table {@link OpeningRows} converts), numbered one to the count its
 * end announces. Anything else (a transaction id alone: a large transaction, a large row, an older
 * server's trigger; a part still on the way) and the log is read as before, which covers every
 * transaction whose notification arrived (they are committed), as it does when the drain holds more
 * entries than {@code tidemark.realtime.max-batch}.
 *
 * <p>The batch's cursor and watermark are the reader's, unchanged: a transaction delivered this way
 * is marked read, and the next read of the log moves them. Events may carry an older cursor than a read
 * would give them, never a newer one.
 *
 * <p>One case delivers a transaction before all its entries are known: {@code SET CONSTRAINTS ALL
 * IMMEDIATE} runs the end's deferred trigger early, and the transaction writes on. Its later
 * notifications follow the end, before any other transaction's; if they arrive in a later drain, the
 * transaction is {@linkplain ChangeLogReader#reread read again} from the log (its events twice, which
 * the version makes harmless). So the last transaction of a drain stays "open" until a notification of
 * another one arrives.
 *
 * <p>Not thread-safe: the tailer thread owns it.
 */
final class AnnouncedChanges {

    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    /** One transaction of a drain: its announced entries and rows, and the count its end announced (-1: not yet). */
    private static final class Transaction {
        final long tx;
        final List<ChangeLogEntry> entries = new ArrayList<>();
        final List<JsonObject> rows = new ArrayList<>();
        final List<Integer> ordinals = new ArrayList<>();
        int count = -1;

        Transaction(long tx) {
            this.tx = tx;
        }

        boolean complete() {
            if (count != entries.size()) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (!ordinals.contains(i + 1)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The last transaction delivered from its announcements whose notifications may not all have arrived. */
    private Long open;

    /**
     * The batch of {@code notifications} (in the order they arrived), or null when the log must be read.
     * Transactions the reader has read are skipped; one delivered from its announcements that has more
     * notifications is handed back to the log ({@link ChangeLogReader#reread}) and null returned.
     */
    ChangeLogReader.Read read(PGNotification[] notifications, ChangeLogReader reader, OpeningRows known, int maxBatch) {
        Map<Long, Transaction> drain = new LinkedHashMap<>();
        boolean complete = true;
        for (PGNotification notification : notifications) {
            String payload = notification.getParameter();
            long tx;
            ChangeLogEntry entry = null;
            JsonObject row = null;
            int ordinal = 0;
            int count = -1;
            try {
                if (payload.startsWith("{")) {
                    JsonObject announced;
                    try (JsonReader json = JSON.createReader(new StringReader(payload))) {
                        announced = json.readObject();
                    }
                    tx = Long.parseLong(announced.getString("x"));
                    entry = entry(announced, tx);
                    row = announced.getJsonObject("r");
                    ordinal = announced.getInt("n");
                } else if (payload.startsWith("end ")) {
                    String[] parts = payload.split(" ");
                    tx = Long.parseLong(parts[1]);
                    count = Integer.parseInt(parts[2]);
                } else {
                    tx = Long.parseLong(payload);
                }
            } catch (RuntimeException e) {
                complete = false; // not an announcement this server knows: the log says what happened
                continue;
            }
            if (open != null) {
                if (open == tx) {
                    reader.reread(tx); // written on after its end: the log has the rest
                    open = null;
                    return null;
                }
                open = null; // a later transaction's notification: the open one's have all arrived
            }
            if (!reader.unread(tx)) {
                continue;
            }
            Transaction transaction = drain.computeIfAbsent(tx, Transaction::new);
            if (entry != null) {
                transaction.entries.add(entry);
                transaction.rows.add(row);
                transaction.ordinals.add(ordinal);
            } else if (count >= 0) {
                transaction.count = count;
            } else {
                complete = false; // announced by its id only
            }
        }
        if (!complete || drain.isEmpty() || !drain.values().stream().allMatch(Transaction::complete)) {
            return drain.isEmpty() && complete ? empty(reader) : null;
        }
        return batch(drain, reader, known, maxBatch);
    }

    /** Marks {@code delivered}'s transactions as read; the last one stays open. */
    void delivered(ChangeLogReader.Read delivered, ChangeLogReader reader) {
        reader.advance(delivered);
        List<ChangeLogEntry> entries = delivered.entries();
        if (!entries.isEmpty()) {
            open = entries.get(entries.size() - 1).tx();
        }
    }

    /** A drain of transactions the reader had all read: nothing to deliver. */
    private static ChangeLogReader.Read empty(ChangeLogReader reader) {
        return new ChangeLogReader.Read(List.of(), Set.of(), false, false, reader.watermark(), reader.cursor(), false, Map.of());
    }

    private static ChangeLogReader.Read batch(Map<Long, Transaction> drain, ChangeLogReader reader, OpeningRows known,
            int maxBatch) {
        List<ChangeLogEntry> entries = new ArrayList<>();
        List<JsonObject> rows = new ArrayList<>();
        for (Transaction transaction : drain.values()) {
            entries.addAll(transaction.entries);
            rows.addAll(transaction.rows);
        }
        if (entries.size() > maxBatch) {
            return null; // whole transactions up to the batch, or a bulk one's RESYNC: the read decides
        }
        // The row of each uid is its last entry's (a later write in the same drain)
        Map<String, Map<UUID, SyncedEntity>> read = new HashMap<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            ChangeLogEntry entry = entries.get(i);
            if (!known.add(entry.table(), entry.uid(), rows.get(i), read.computeIfAbsent(entry.table(), t -> new HashMap<>()))) {
                return null;
            }
        }
        List<ChangeLogEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(ChangeLogEntry::id)); // log order, as a read gives them
        return new ChangeLogReader.Read(sorted, drain.keySet(), false, false, reader.watermark(), reader.cursor(), false, read);
    }

    private static ChangeLogEntry entry(JsonObject entry, long tx) {
        JsonValue old = entry.get("o");
        return new ChangeLogEntry(entry.getJsonNumber("i").longValueExact(), tx, entry.getString("t"),
                UUID.fromString(entry.getString("u")), entry.getJsonNumber("v").longValueExact(),
                old == null || old.getValueType() == JsonValue.ValueType.NULL ? null : old.toString(),
                OffsetDateTime.parse(entry.getString("a")).toInstant());
    }
}
