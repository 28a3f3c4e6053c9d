package dev.tidemark.sync.query;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.Columns;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.JpqlScope;
import graphql.language.OperationDefinition;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.SelectedField;
import io.smallrye.graphql.execution.context.SmallRyeContext;
import io.smallrye.graphql.execution.context.SmallRyeContextManager;

/**
 * Reads a list's rows as the columns its GraphQL selection asks for, when it asks only for columns:
 * one tuple query (the same where, row policy, tombstone filter, order and limit as the entity
 * query) and one plain, unmanaged object of the entity class per row with those columns set, instead
 * of Hibernate building a managed entity per row. The selection is graphql-java's own for the field
 * being fetched (fragments, type conditions, {@code @skip}/{@code @include} applied), in a query
 * operation only (a mutation's resolver may change what it lists); a relation, a
 * field with arguments or anything that is not a column of the table, or no field being fetched
 * (a call from elsewhere), leaves the list to the entity query.
 */
public final class ColumnRows {

    private static volatile boolean enabled = true;

    private static final LongAdder READ = new LongAdder();

    private ColumnRows() {
    }

    /** Turns column reads on or off for the whole process ({@code tidemark.query.column-rows} at start; the read-path benchmark's A/B). */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** Lists read as columns since the process started (tests read it). */
    static long readLists() {
        return READ.sum();
    }

    /** The columns the list field being fetched selects (its uid first), or null when it selects more than columns. */
    static List<SyncColumn> selected(SyncTable table) {
        SmallRyeContext context = enabled ? SmallRyeContextManager.getCurrentSmallRyeContext() : null;
        DataFetchingEnvironment env = context == null ? null : context.getDataFetchingEnvironment();
        // Only a query's list field: a mutation may change the rows it lists, which needs managed entities.
        if (env == null || env.getOperationDefinition() == null
                || env.getOperationDefinition().getOperation() != OperationDefinition.Operation.QUERY
                || !(GraphQLTypeUtil.unwrapNonNull(env.getFieldType()) instanceof GraphQLList)
                || !GraphQLTypeUtil.unwrapAll(env.getFieldType()).getName().equals(table.typeName())) {
            return null;
        }
        Set<SyncColumn> columns = new LinkedHashSet<>();
        columns.add(table.column("uid"));
        for (SelectedField field : env.getSelectionSet().getImmediateFields()) {
            if (field.getName().startsWith("__")) {
                continue; // __typename: answered from the type, not the row
            }
            SyncColumn column = table.column(field.getName());
            if (column == null || !field.getArguments().isEmpty() || !field.getSelectionSet().getImmediateFields().isEmpty()) {
                return null;
            }
            columns.add(column);
        }
        return List.copyOf(columns);
    }

    /** At most {@code limit} rows of {@code type} matching {@code scope} and {@code extra}, in {@code order}, with only {@code columns} set. */
    static <T extends SyncedEntity> List<T> read(EntityManager em, Class<T> type, SyncTable table, JpqlScope scope,
            List<String> extra, String order, int limit, List<SyncColumn> columns) {
        String projection = columns.stream().map(c -> JpqlScope.ROOT + "." + c.field()).collect(Collectors.joining(", "));
        TypedQuery<Object[]> query = scope.select(em, Object[].class, projection, table.entityName(), extra, order).setMaxResults(limit);
        Field[] fields = columns.stream().map(c -> Columns.field(type, c)).toArray(Field[]::new);
        List<Object[]> tuples = query.getResultList();
        List<T> rows = new ArrayList<>(tuples.size());
        try {
            Constructor<T> constructor = type.getDeclaredConstructor();
            for (Object[] tuple : tuples) {
                T row = constructor.newInstance();
                for (int i = 0; i < fields.length; i++) {
                    fields[i].set(row, tuple[i]);
                }
                rows.add(row);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName() + " row", e);
        }
        READ.increment();
        return rows;
    }
}
