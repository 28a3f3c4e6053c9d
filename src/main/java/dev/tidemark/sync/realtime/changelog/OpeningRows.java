package dev.tidemark.sync.realtime.changelog;

import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicEntityIdentifierMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.metamodel.mapping.PluralAttributeMapping;
import org.hibernate.metamodel.mapping.internal.ToOneAttributeMapping;
import org.hibernate.metamodel.spi.EntityInstantiator;
import org.hibernate.persister.entity.EntityPersister;
import org.jboss.logging.Logger;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncTable;

/**
 * The rows a change-log read names, read by its opening ({@link ChangeLogQuery}) rather than by a
 * second round trip: the entries' statement carries, per entry, its row as PostgreSQL's
 * {@code to_jsonb} of the table's row in the read's snapshot (one primary-key lookup per entry, in
 * the same statement: no other statement to plan), and each row becomes an unattached entity of its
 * class with its basic attributes set. A table is read this way only when every basic attribute is
 * of a type whose JSON form converts back exactly (text, uuid, timestamptz, integers, booleans,
 * floating point, numeric, date) and has no converter, and every other attribute is a relation; the
 * rows of other tables are read as before, by the batch's session. {@code OpeningRowsTest} compares every attribute with the row Hibernate
 * loads, for every table. Lazy to-one relations stay null, as they stay unloadable on an entity of
 * the tailer's stateless session: events render a row's columns, and its relations are read by the
 * GraphQL relation loader.
 */
final class OpeningRows {

    private static final Logger LOG = Logger.getLogger(OpeningRows.class);
    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    /** One attribute: its column (the JSON key), how to set it, how to convert its JSON value. */
    private record Column(String name, AttributeMapping attribute, Function<JsonValue, Object> convert) {
    }

    /** One table read this way. */
    private record Table(SyncTable table, EntityInstantiator instantiator, BasicEntityIdentifierMapping id, String idColumn,
            List<Column> columns) {
    }

    private final Map<String, Table> tables = new HashMap<>();
    private final String column;
    private volatile boolean warned;

    OpeningRows(SessionFactoryImplementor factory, Iterable<SyncTable> synced) {
        StringBuilder cases = new StringBuilder();
        for (SyncTable table : synced) {
            EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(table.entityClass());
            Table read = table(table, persister);
            if (read == null) {
                LOG.debugf("%s: its rows are read by a second statement (a column's type has no exact JSON form)", table.tableName());
                continue;
            }
            tables.put(table.tableName(), read);
            cases.append(" when '").append(table.tableName().replace("'", "''")).append("' then (select to_jsonb(r)::text from ")
                    .append(persister.getIdentifierTableName()).append(" r where r.").append(read.idColumn()).append(" = row_uid)");
        }
        column = cases.isEmpty() ? "cast(null as text)" : "case when cast(? as boolean) then case table_name" + cases + " end end";
    }

    /** The entries statement's column of the entry's row, as JSON text (one parameter: whether to read rows, unless no table can be). */
    String column() {
        return column;
    }

    /** Whether {@link #column()} takes its parameter. */
    boolean hasParameter() {
        return !tables.isEmpty();
    }

    /** The tables whose rows {@link #column()} reads, by name. */
    Set<String> tableNames() {
        return tables.keySet();
    }

    private static Table table(SyncTable table, EntityPersister persister) {
        if (!(persister.getIdentifierMapping() instanceof BasicEntityIdentifierMapping id) || converter(id.getJdbcMapping()) == null
                || id.getJdbcMapping().getValueConverter() != null) {
            return null;
        }
        List<Column> columns = new ArrayList<>();
        boolean[] exact = {true};
        persister.forEachAttributeMapping(attribute -> {
            if (attribute instanceof BasicValuedModelPart basic) {
                Function<JsonValue, Object> convert = converter(basic.getJdbcMapping());
                if (basic.isFormula() || convert == null || basic.getJdbcMapping().getValueConverter() != null
                        || !basic.getContainingTableExpression().equals(persister.getIdentifierTableName())) {
                    exact[0] = false;
                } else {
                    columns.add(new Column(unquoted(basic.getSelectionExpression()), attribute, convert));
                }
            } else if (!(attribute instanceof ToOneAttributeMapping) && !(attribute instanceof PluralAttributeMapping)) {
                exact[0] = false; // an embedded value, say: not made from one row's JSON here
            }
        });
        return exact[0] ? new Table(table, persister.getRepresentationStrategy().getInstantiator(), id,
                id.getSelectionExpression(), List.copyOf(columns)) : null;
    }

    private static String unquoted(String column) {
        return column.length() > 1 && column.startsWith("\"") && column.endsWith("\"")
                ? column.substring(1, column.length() - 1).replace("\"\"", "\"")
                : column;
    }

    /**
     * How a JSON value of {@code to_jsonb} becomes the value Hibernate reads for {@code mapping}, or null
     * when there is no exact way (the table is then read by a statement of its own).
     */
    private static Function<JsonValue, Object> converter(JdbcMapping mapping) {
        Class<?> type = mapping.getJavaTypeDescriptor().getJavaTypeClass();
        int sql = mapping.getJdbcType().getDefaultSqlTypeCode();
        if (type == String.class && (sql == Types.VARCHAR || sql == Types.LONGVARCHAR || sql == Types.CHAR
                || sql == Types.NVARCHAR || sql == Types.LONGNVARCHAR || sql == Types.NCHAR)) {
            return v -> ((JsonString) v).getString();
        }
        if (type == UUID.class && (sql == Types.OTHER || sql == 3000 /* SqlTypes.UUID */)) {
            return v -> UUID.fromString(((JsonString) v).getString());
        }
        if (type == OffsetDateTime.class && (sql == Types.TIMESTAMP_WITH_TIMEZONE || sql == 3003 /* SqlTypes.TIMESTAMP_UTC */)) {
            // The driver gives a timestamptz in UTC; to_jsonb writes it in the session's time zone.
            return v -> OffsetDateTime.parse(((JsonString) v).getString()).withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (type == Instant.class && (sql == Types.TIMESTAMP_WITH_TIMEZONE || sql == 3003)) {
            return v -> OffsetDateTime.parse(((JsonString) v).getString()).toInstant();
        }
        if (type == LocalDate.class && sql == Types.DATE) {
            return v -> LocalDate.parse(((JsonString) v).getString());
        }
        if (type == Long.class && sql == Types.BIGINT) {
            return v -> ((JsonNumber) v).longValueExact();
        }
        if (type == Integer.class && sql == Types.INTEGER) {
            return v -> ((JsonNumber) v).intValueExact();
        }
        if (type == Short.class && sql == Types.SMALLINT) {
            return v -> (short) ((JsonNumber) v).intValueExact();
        }
        if (type == Boolean.class && (sql == Types.BOOLEAN || sql == Types.BIT)) {
            return v -> v == JsonValue.TRUE;
        }
        if (type == Double.class && (sql == Types.DOUBLE || sql == Types.FLOAT)) {
            return v -> ((JsonNumber) v).doubleValue();
        }
        if (type == BigDecimal.class && (sql == Types.NUMERIC || sql == Types.DECIMAL)) {
            return v -> ((JsonNumber) v).bigDecimalValue();
        }
        return null;
    }

    /**
     * Adds the entity of one entry's row ({@code json}, from {@link #column()}) to {@code into}, by table
     * and uid, unless it is there already (an earlier entry of the same row: same snapshot, same row).
     * A row that does not convert leaves its table out of {@code into} for this read (its rows are then
     * read by the batch's session), once logged.
     */
    void add(String tableName, UUID uid, String json, Map<String, Map<UUID, SyncedEntity>> into) {
        Table table = tables.get(tableName);
        Map<UUID, SyncedEntity> rows = into.get(tableName);
        if (table == null || json == null || rows == null || rows.containsKey(uid)) {
            return;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            add(table, uid, reader.readObject(), rows);
        } catch (RuntimeException e) {
            failed(tableName, e, into);
        }
    }

    /**
     * Adds the entity of a row announced by its change-log trigger ({@code to_jsonb(new)}) to {@code rows}
     * (that table's), unless a row of the same uid is there already. False when its table is not one
     * this reads or the row does not convert (the tailer then reads the log).
     */
    boolean add(String tableName, UUID uid, JsonObject row, Map<UUID, SyncedEntity> rows) {
        Table table = tables.get(tableName);
        if (table == null) {
            return false;
        }
        try {
            if (!rows.containsKey(uid)) {
                add(table, uid, row, rows);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("An announced row of %s did not convert (%s); the change log is read instead", tableName, e.getMessage());
            return false;
        }
    }

    private static void add(Table table, UUID uid, JsonObject row, Map<UUID, SyncedEntity> rows) {
        SyncedEntity entity = (SyncedEntity) table.instantiator().instantiate();
        table.id().getPropertyAccess().getSetter().set(entity, uid);
        for (Column column : table.columns()) {
            JsonValue value = row.get(column.name());
            column.attribute().setValue(entity, value == null || value.getValueType() == JsonValue.ValueType.NULL ? null
                    : column.convert().apply(value));
        }
        rows.put(uid, entity);
    }

    private void failed(String tableName, RuntimeException e, Map<String, Map<UUID, SyncedEntity>> into) {
        into.remove(tableName);
        if (!warned) {
            warned = true;
            LOG.warnf("A row of %s did not convert from the change-log read's JSON (%s); its table's rows are read by"
                    + " another statement in this read", tableName, e.getMessage());
        }
    }

    /** An empty map per table this reads, to {@link #add} to. */
    Map<String, Map<UUID, SyncedEntity>> empty() {
        Map<String, Map<UUID, SyncedEntity>> rows = new HashMap<>();
        tables.keySet().forEach(t -> rows.put(t, new HashMap<>()));
        return rows;
    }
}
