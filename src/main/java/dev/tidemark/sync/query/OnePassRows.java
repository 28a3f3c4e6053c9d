package dev.tidemark.sync.query;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.tidemark.sync.entity.SyncedEntity;
import graphql.execution.ExecutionContext;
import graphql.execution.ExecutionStrategyParameters;
import graphql.execution.FieldCollector;
import graphql.execution.FieldCollectorParameters;
import graphql.execution.FieldValueInfo;
import graphql.execution.MergedField;
import graphql.execution.MergedSelectionSet;
import graphql.introspection.Introspection;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

/**
 * Completes a list of rows in one pass when its selection is only columns: for each row, each
 * selected column is read with one field access and serialised with the schema's own scalar, and
 * the row's result map is built at once, instead of graphql-java's execution of every field of
 * every row (a data fetcher, SmallRye's field context, instrumentation and a result path per field).
 *
 * <p>graphql-java still parses, validates and coerces the document, and collects the selection
 * itself ({@link FieldCollector}: aliases, fragments, type conditions, {@code @skip}/{@code @include}),
 * so the answer is the one its per-field execution gives. Any selection it cannot answer that way
 * — a relation field (an object), a field with arguments, a column without a public getter or field of a
 * column type, a null in a non-null column, a row that is not a synced entity (introspection's objects,
 * result types) — returns null and graphql-java completes the
 * list as usual.
 */
public final class OnePassRows {

    private static final Set<Class<?>> COLUMN_TYPES = Set.of(String.class, UUID.class, OffsetDateTime.class,
            long.class, Long.class, int.class, Integer.class, boolean.class, Boolean.class);

    private static volatile boolean enabled = true;

    private static final LongAdder COMPLETED = new LongAdder();

    /** Column accessors by class and name; a column that cannot be read so is cached as {@link #NONE}. */
    private static final Map<Class<?>, Map<String, ColumnReader>> ACCESSORS = new ConcurrentHashMap<>();
    private static final ColumnReader NONE = row -> null;

    private final FieldCollector collector = new FieldCollector();

    /** Turns the one-pass path on or off for the whole process (configuration at start; the read-path benchmark's A/B). */
    public static void enable(boolean on) {
        enabled = on;
    }

    public static boolean enabled() {
        return enabled;
    }

    /** Lists completed in one pass since the process started (tests and the benchmark read it). */
    public static long completedLists() {
        return COMPLETED.sum();
    }

    /** The completed list, or null when graphql-java must complete it field by field. */
    FieldValueInfo complete(ExecutionContext context, ExecutionStrategyParameters parameters, Iterable<Object> rows) {
        if (!enabled) {
            return null;
        }
        GraphQLType listType = GraphQLTypeUtil.unwrapNonNull(parameters.getExecutionStepInfo().getType());
        if (!(listType instanceof GraphQLList list)
                || !(GraphQLTypeUtil.unwrapNonNull(list.getWrappedType()) instanceof GraphQLObjectType rowType)) {
            return null;
        }
        MergedSelectionSet selection = collector.collectFields(FieldCollectorParameters.newParameters()
                .schema(context.getGraphQLSchema())
                .objectType(rowType)
                .fragments(context.getFragmentsByName())
                .variables(context.getCoercedVariables().toMap())
                .graphQLContext(context.getGraphQLContext())
                .build(), parameters.getField());
        List<String> keys = selection.getKeys();
        Column[] columns = new Column[keys.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = column(rowType, selection.getSubField(keys.get(i)));
            if (columns[i] == null) {
                return null;
            }
        }
        List<Object> result = rows instanceof List<?> sized ? new ArrayList<>(sized.size()) : new ArrayList<>();
        Class<?> rowClass = null;
        ColumnReader[] fields = new ColumnReader[columns.length];
        for (Object row : rows) {
            if (!(row instanceof SyncedEntity)) {
                return null; // a null row, or an object that is not a synced row (introspection's, a result type)
            }
            if (row.getClass() != rowClass) {
                rowClass = row.getClass();
                for (int i = 0; i < columns.length; i++) {
                    fields[i] = columns[i].typename ? null : accessor(rowClass, columns[i].name);
                    if (fields[i] == NONE) {
                        return null;
                    }
                }
            }
            Map<String, Object> values = new LinkedHashMap<>((int) (columns.length / 0.75f) + 1);
            for (int i = 0; i < columns.length; i++) {
                Column column = columns[i];
                Object value;
                if (column.typename) {
                    value = rowType.getName();
                } else {
                    Object raw = fields[i].read(row);
                    if (raw == null) {
                        if (column.nonNull) {
                            return null; // graphql-java's path reports it as an error and nulls the parent
                        }
                        value = null;
                    } else {
                        value = column.scalar.getCoercing().serialize(raw, context.getGraphQLContext(), context.getLocale());
                    }
                }
                values.put(column.key, value);
            }
            result.add(values);
        }
        COMPLETED.increment();
        return new FieldValueInfo(FieldValueInfo.CompleteValueType.LIST, result, List.of());
    }

    /** How one selected field is answered, or null when it is not a plain column. */
    private static Column column(GraphQLObjectType rowType, MergedField merged) {
        String name = merged.getName();
        String key = merged.getResultKey();
        if (name.equals(Introspection.TypeNameMetaFieldDef.getName())) {
            return new Column(key, name, null, false, true);
        }
        if (merged.getFields().stream().anyMatch(f -> !f.getArguments().isEmpty() || f.getSelectionSet() != null)) {
            return null;
        }
        GraphQLFieldDefinition definition = rowType.getFieldDefinition(name);
        if (definition == null || !definition.getArguments().isEmpty()
                || !(GraphQLTypeUtil.unwrapNonNull(definition.getType()) instanceof GraphQLScalarType scalar)) {
            return null;
        }
        return new Column(key, name, scalar, definition.getType() instanceof GraphQLNonNull, false);
    }

    /**
     * How a row's column is read: its public getter (Quarkus turns an entity's public fields into
     * private fields with accessors, which is also how the field is read lazily), else its public
     * field; {@link #NONE} when neither exists with a column type.
     */
    private static ColumnReader accessor(Class<?> type, String name) {
        return ACCESSORS.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> {
            String suffix = Character.toUpperCase(n.charAt(0)) + n.substring(1);
            for (String getter : List.of("get" + suffix, "is" + suffix)) {
                try {
                    Method method = type.getMethod(getter);
                    if (!Modifier.isStatic(method.getModifiers()) && COLUMN_TYPES.contains(method.getReturnType())) {
                        MethodHandle handle = MethodHandles.publicLookup().unreflect(method);
                        return row -> invoke(handle, row);
                    }
                } catch (NoSuchMethodException | IllegalAccessException e) {
                    // try the next way
                }
            }
            try {
                Field field = type.getField(n);
                if (!Modifier.isStatic(field.getModifiers()) && COLUMN_TYPES.contains(field.getType())) {
                    MethodHandle handle = MethodHandles.publicLookup().unreflectGetter(field);
                    return row -> invoke(handle, row);
                }
            } catch (NoSuchFieldException | IllegalAccessException e) {
                // none
            }
            return NONE;
        });
    }

    private static Object invoke(MethodHandle handle, Object row) {
        try {
            return handle.invoke(row);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How the column {@code name} of rows of class {@code type} is read (its getter, else its public
     * field, of a column type), or null when it cannot be read so: the same read as the one-pass
     * lists make (the realtime events' direct rendering uses it).
     */
    public static ColumnReader columnReader(Class<?> type, String name) {
        ColumnReader reader = accessor(type, name);
        return reader == NONE ? null : reader;
    }

    /** Reads one column of a row. */
    public interface ColumnReader {
        Object read(Object row);
    }

    private record Column(String key, String name, GraphQLScalarType scalar, boolean nonNull, boolean typename) {
    }
}
