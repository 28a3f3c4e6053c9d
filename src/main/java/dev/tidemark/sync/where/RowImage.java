package dev.tidemark.sync.where;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncTable;

/**
 * The column values of one row at one moment (now, or before a change), by field name, typed as
 * the entity's fields. Scopes are matched against images so the old state of a row can be
 * evaluated without the database.
 *
 * @param table the row's table
 * @param values column values by field name
 */
public record RowImage(SyncTable table, Map<String, Object> values) {

    public Object get(String field) {
        return values.get(field);
    }

    public UUID uid() {
        return (UUID) values.get("uid");
    }

    public boolean live() {
        return values.get("deletedAt") == null;
    }

    public static RowImage of(SyncTable table, SyncedEntity row) {
        Map<String, Object> values = new HashMap<>();
        for (SyncColumn column : table.columns().values()) {
            values.put(column.field(), Columns.read(row, column));
        }
        return new RowImage(table, values);
    }

    /** An image from {@code to_jsonb(row)}: keys are SQL column names. */
    public static RowImage ofJson(SyncTable table, JsonObject json) {
        Map<String, Object> values = new HashMap<>();
        for (SyncColumn column : table.columns().values()) {
            values.put(column.field(), convert(column.type(), json.get(column.column())));
        }
        return new RowImage(table, values);
    }

    private static Object convert(Class<?> type, JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            return type == long.class || type == Long.class ? (Object) number.longValue() : number.numberValue();
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE || value.getValueType() == JsonValue.ValueType.FALSE) {
            return value == JsonValue.TRUE;
        }
        String text = ((JsonString) value).getString();
        if (type == UUID.class) {
            return UUID.fromString(text);
        }
        if (type == OffsetDateTime.class) {
            return OffsetDateTime.parse(text);
        }
        return text;
    }
}
