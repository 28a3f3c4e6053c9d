package dev.tidemark.sync.realtime.changelog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicEntityIdentifierMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.descriptor.WrapperOptions;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.SyncTable;

/**
 * The rows a change-log read names, read by its opening ({@link ChangeLogQuery}) rather than by a
 * second round trip: one {@code select} per synced table of the rows that the pending entries of
 * that table name, sent with the opening's other statements and answered in its snapshot. The
 * columns are the entity's basic attributes as Hibernate maps them, read with Hibernate's own
 * extractors and converters, so a row made here holds the values a loaded entity holds
 * ({@code OpeningRowsTest} compares them for every table). Lazy to-one relations stay null, as they
 * stay unloadable on an entity of the tailer's stateless session: events render a row's columns,
 * and its relations are read by the GraphQL relation loader.
 */
final class OpeningRows {

    /** One table's statement and how to make an entity of each row it returns. */
    record Table(SyncTable table, EntityPersister persister, String select, BasicValuedModelPart id,
            List<AttributeMapping> attributes, List<JdbcMapping> jdbc) {
    }

    /** One table's rows as {@link #read} them. */
    record Rows(Table table, List<Object[]> values) {
    }

    private final List<Table> tables;
    private final WrapperOptions options;

    /**
     * The statements for {@code tables}; {@code pendingWhere} is the opening's filter of unread
     * entries (two parameters: the watermark and the read transactions) and {@code fits} its
     * condition that every pending entry fits in the batch (three: the same two and the batch size).
     */
    OpeningRows(SessionFactoryImplementor factory, Iterable<SyncTable> synced, String pendingWhere, String fits) {
        options = factory.getWrapperOptions();
        List<Table> list = new ArrayList<>();
        for (SyncTable table : synced) {
            EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(table.entityClass());
            if (!(persister.getIdentifierMapping() instanceof BasicEntityIdentifierMapping id)) {
                throw new IllegalStateException(table.entityName() + ": a synced table has a single uid column as its id");
            }
            List<AttributeMapping> attributes = new ArrayList<>();
            List<JdbcMapping> jdbc = new ArrayList<>();
            StringBuilder columns = new StringBuilder(id.getSelectionExpression());
            jdbc.add(id.getJdbcMapping());
            persister.forEachAttributeMapping(attribute -> {
                if (attribute instanceof BasicValuedModelPart basic && !basic.isFormula()) {
                    attributes.add(attribute);
                    jdbc.add(basic.getJdbcMapping());
                    columns.append(", ").append(basic.getSelectionExpression());
                }
            });
            String select = "select " + columns + " from " + persister.getIdentifierTableName()
                    + " where " + id.getSelectionExpression() + " in (select row_uid from sync_change where table_name = '"
                    + table.tableName().replace("'", "''") + "' and " + pendingWhere + ") and cast(? as boolean) and " + fits;
            list.add(new Table(table, persister, select, id, List.copyOf(attributes), List.copyOf(jdbc)));
        }
        tables = List.copyOf(list);
    }

    List<Table> tables() {
        return tables;
    }

    /** The statements, one per table, in {@link #tables()}'s order, each ending with a semicolon. */
    String statements() {
        StringBuilder sql = new StringBuilder();
        tables.forEach(t -> sql.append(' ').append(t.select()).append(';'));
        return sql.toString();
    }

    /** The values of each row of one table's result, in the table's column order (its uid first). */
    List<Object[]> read(Table table, ResultSet rows) throws SQLException {
        List<Object[]> read = new ArrayList<>();
        int width = table.jdbc().size();
        while (rows.next()) {
            Object[] values = new Object[width];
            for (int i = 0; i < width; i++) {
                JdbcMapping mapping = table.jdbc().get(i);
                values[i] = mapping.convertToDomainValue(mapping.getJdbcValueExtractor().extract(rows, i + 1, options));
            }
            read.add(values);
        }
        return read;
    }

    /** The entities of {@code rows}, by uid, made for {@code session} (not attached to it: it keeps no context). */
    static Map<UUID, SyncedEntity> entities(Rows rows, SharedSessionContractImplementor session) {
        Table table = rows.table();
        Map<UUID, SyncedEntity> entities = new HashMap<>();
        for (Object[] values : rows.values()) {
            SyncedEntity entity = (SyncedEntity) table.persister().instantiate(values[0], session);
            for (int i = 0; i < table.attributes().size(); i++) {
                table.attributes().get(i).setValue(entity, values[i + 1]);
            }
            entities.put((UUID) values[0], entity);
        }
        return entities;
    }
}
