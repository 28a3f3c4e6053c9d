package dev.tidemark.sync.query;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Name;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.persister.entity.EntityPersister;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.SyncedWhere;
import io.quarkus.arc.Arc;

/**
 * What {@link DirectQueries} can answer, found once at start: the list fields of the generated table
 * API classes, by query field name, and each synced table's columns that JDBC reads exactly as
 * Hibernate does, by field name.
 */
record DirectCatalog(Map<String, ListField> fields, Map<SyncTable, Map<String, DirectColumn>> columns) {

    /** The name of the base class of the generated table API classes (api depends on query: not imported). */
    private static final String TABLE_API = "dev.tidemark.sync.api.TableApi";

    /** A list field answerable here: its table and the where-input class its method takes. */
    record ListField(SyncTable table, Class<?> whereClass) {
    }

    /** Reads one column of the result set as Hibernate reads it. */
    interface Read {
        Object read(ResultSet result, int index) throws SQLException;
    }

    /** A column read directly: its SQL name and how. */
    record DirectColumn(String sql, Read read) {
    }

    static DirectCatalog of(SyncRegistry registry, SessionFactoryImplementor factory) {
        Map<SyncTable, Map<String, DirectColumn>> columns = new HashMap<>();
        for (SyncTable table : registry.all()) {
            EntityPersister persister = factory.getMappingMetamodel().getEntityDescriptor(table.entityClass());
            Map<String, DirectColumn> direct = new HashMap<>();
            persister.forEachAttributeMapping(attribute -> {
                if (attribute instanceof BasicValuedModelPart basic && !basic.isFormula()
                        && basic.getJdbcMapping().getValueConverter() == null
                        && basic.getContainingTableExpression().equals(persister.getIdentifierTableName())) {
                    Read read = read(basic.getJdbcMapping());
                    if (read != null) {
                        direct.put(attribute.getAttributeName(), new DirectColumn(basic.getSelectionExpression(), read));
                    }
                }
            });
            if (persister.getIdentifierMapping() instanceof BasicValuedModelPart id && id.getJdbcMapping().getValueConverter() == null) {
                Read read = read(id.getJdbcMapping());
                if (read != null) {
                    direct.put(persister.getIdentifierMapping().getAttributeName(), new DirectColumn(id.getSelectionExpression(), read));
                }
            }
            columns.put(table, Map.copyOf(direct));
        }
        return new DirectCatalog(listFields(registry), Map.copyOf(columns));
    }

    /** How JDBC reads a column of this mapping as Hibernate does, or null when not done here. */
    private static Read read(JdbcMapping mapping) {
        Class<?> type = mapping.getJavaTypeDescriptor().getJavaTypeClass();
        int sql = mapping.getJdbcType().getDefaultSqlTypeCode();
        if (type == String.class && (sql == Types.VARCHAR || sql == Types.LONGVARCHAR || sql == Types.CHAR)) {
            return ResultSet::getString;
        }
        if (type == UUID.class && (sql == Types.OTHER || sql == 3000 /* SqlTypes.UUID */)) {
            return (r, i) -> r.getObject(i, UUID.class);
        }
        if (type == OffsetDateTime.class && (sql == Types.TIMESTAMP_WITH_TIMEZONE || sql == 3003 /* SqlTypes.TIMESTAMP_UTC */)) {
            return (r, i) -> r.getObject(i, OffsetDateTime.class); // the driver gives it in UTC, as Hibernate reads it
        }
        if (type == Long.class && sql == Types.BIGINT) {
            return (r, i) -> {
                long value = r.getLong(i);
                return r.wasNull() ? null : value;
            };
        }
        if (type == Integer.class && sql == Types.INTEGER) {
            return (r, i) -> {
                int value = r.getInt(i);
                return r.wasNull() ? null : value;
            };
        }
        if (type == Boolean.class && (sql == Types.BOOLEAN || sql == Types.BIT)) {
            return (r, i) -> {
                boolean value = r.getBoolean(i);
                return r.wasNull() ? null : value;
            };
        }
        return null;
    }

    /** The query fields of the table API classes' list methods ({@code List<Row> name(RowWhere where, Boolean includeDeleted)}, null as false). */
    private static Map<String, ListField> listFields(SyncRegistry registry) {
        Map<String, ListField> fields = new HashMap<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> api = bean.getBeanClass();
            if (!api.isAnnotationPresent(GraphQLApi.class) || api.getSuperclass() == null
                    || !api.getSuperclass().getName().equals(TABLE_API)) {
                continue;
            }
            for (Method method : api.getDeclaredMethods()) {
                Class<?>[] parameters = method.getParameterTypes();
                if (!method.isAnnotationPresent(org.eclipse.microprofile.graphql.Query.class) || parameters.length != 2
                        || !SyncedWhere.class.isAssignableFrom(parameters[0]) || !parameters[0].isAnnotationPresent(Input.class)
                        || parameters[1] != Boolean.class && parameters[1] != boolean.class || method.getReturnType() != List.class
                        || !(method.getGenericReturnType() instanceof ParameterizedType list)
                        || !(list.getActualTypeArguments()[0] instanceof Class<?> row)) {
                    continue;
                }
                SyncTable table;
                try {
                    table = registry.table(row);
                } catch (RuntimeException e) {
                    continue; // not a synced row
                }
                Name name = method.getAnnotation(Name.class);
                fields.put(name == null ? method.getName() : name.value(), new ListField(table, parameters[0]));
            }
        }
        return Map.copyOf(fields);
    }
}
