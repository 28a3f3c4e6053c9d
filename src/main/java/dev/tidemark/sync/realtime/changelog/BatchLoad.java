package dev.tidemark.sync.realtime.changelog;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;

import org.hibernate.StatelessSession;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.RowImage;

/**
 * A read's entries made into a {@link ChangeBatch}: the rows they name, read in the read's snapshot
 * (by its opening, {@link OpeningRows}, or else one statement per table), with their state before the
 * batch and between its writes from the entries' old images.
 */
final class BatchLoad {

    /** One factory: {@code Json.createReader} looks the JSON provider up again on every call. */
    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    private BatchLoad() {
    }

    /** The batch of {@code read}'s entries (rows of tables the registry does not know are left out). */
    static ChangeBatch load(Supplier<StatelessSession> session, SyncRegistry registry, ChangeLogReader.Read read) {
        List<ChangeLogEntry> entries = read.entries();
        Map<String, Map<UUID, SyncedEntity>> opened = read.rows();
        ChangeBatch batch = new ChangeBatch(new BatchLookup(session), read.cursor().encode());
        Map<String, Map<UUID, List<ChangeLogEntry>>> byTable = new LinkedHashMap<>();
        for (ChangeLogEntry entry : entries) {
            if (entry.changedAt() != null && (batch.oldest == null || entry.changedAt().isBefore(batch.oldest))) {
                batch.oldest = entry.changedAt();
            }
            byTable.computeIfAbsent(entry.table(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(entry.uid(), u -> new ArrayList<>()).add(entry);
        }
        Map<String, SyncTable> tables = new HashMap<>();
        registry.all().forEach(t -> tables.put(t.tableName(), t));
        byTable.forEach((name, rows) -> {
            SyncTable table = tables.get(name);
            if (table != null) {
                Map<UUID, SyncedEntity> entities = opened == null ? null : opened.get(name);
                if (entities == null) {
                    entities = new HashMap<>();
                    for (SyncedEntity e : BatchLookup.rows(batch.now.session(), table, new ArrayList<>(rows.keySet()))) {
                        entities.put(e.uid, e);
                    }
                }
                batch.changed.put(name, changedRows(batch, table, rows, entities));
            }
        });
        return batch;
    }

    private static Map<UUID, ChangedRow> changedRows(ChangeBatch batch, SyncTable table, Map<UUID, List<ChangeLogEntry>> rows,
            Map<UUID, SyncedEntity> entities) {
        Map<UUID, ChangedRow> changed = new LinkedHashMap<>();
        rows.forEach((uid, log) -> {
            SyncedEntity entity = entities.get(uid);
            if (entity != null) {
                String old = log.get(0).oldRow();
                RowImage before = old == null ? null : RowImage.ofJson(table, parse(old));
                List<RowImage> between = new ArrayList<>(log.size() - 1);
                for (int i = 1; i < log.size(); i++) {
                    String state = log.get(i).oldRow();
                    if (state != null) {
                        between.add(RowImage.ofJson(table, parse(state)));
                    }
                }
                changed.put(uid, new ChangedRow(before, batch.now.remember(table, entity), entity, log.get(log.size() - 1).id(),
                        between));
            }
        });
        return changed;
    }

    private static jakarta.json.JsonObject parse(String json) {
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
