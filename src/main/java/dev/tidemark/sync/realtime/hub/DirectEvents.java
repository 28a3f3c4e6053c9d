package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import jakarta.json.JsonObject;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.query.AnswerJson;
import dev.tidemark.sync.query.OnePassRows;
import dev.tidemark.sync.realtime.ChangeEvent;
import graphql.GraphQLContext;
import graphql.introspection.Introspection;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import io.smallrye.graphql.spi.config.Config;

/**
 * Writes an event's payload without executing the subscriber's document, when its selection is only
 * fields of the event that are scalars or enums ({@code operation uid version cursor}, {@code __typename})
 * and columns of its {@code row} (the shape clients subscribe with): {@code {"data":{"<field>":{...}}}},
 * each value serialised by the schema's own scalar or enum and the row's columns read as the one-pass
 * lists read them ({@link OnePassRows#columnReader}), the JSON text written by the read path's writer
 * ({@link AnswerJson}): the bytes the execution gives ({@code DirectEventsTest}). A document with
 * fragments, directives, arguments below its root field, relation fields, or an event with a null where
 * the schema says non-null (an error in graphql-java's execution), or a value the writer leaves to
 * SmallRye, is rendered by execution as before. The plan is made once per subscriber, from its own
 * document, and goes with it (no cache that hostile selection sets could grow).
 */
final class DirectEvents {

    /** An event field written directly, with how its value is read from the event. */
    private record EventField(String key, Function<ChangeEvent<?>, Object> value, GraphQLType type, boolean nonNull,
            String typename, List<Column> row) {
    }

    /** A column of the row, or its {@code __typename} ({@code scalar} null). */
    private record Column(String key, String name, GraphQLScalarType scalar, boolean nonNull, String typename) {
    }

    /** The payload's shape for one selection set: its root field's key and the event's fields. */
    record Plan(String rootKey, List<EventField> fields) {
    }

    private DirectEvents() {
    }

    private static final Plan NONE = new Plan(null, List.of());
    private static final Map<String, Function<ChangeEvent<?>, Object>> EVENT_VALUES = Map.of(
            "operation", e -> e.operation, "uid", e -> e.uid, "version", e -> e.version, "cursor", e -> e.cursor);

    private static volatile boolean enabled = true;

    private static final LongAdder WRITTEN = new LongAdder();

    /** Turns direct rendering on or off for the whole process ({@code tidemark.realtime.direct-events}; tests' A/B). */
    static void enable(boolean on) {
        enabled = on;
    }

    /** Events written directly since the process started (tests read it). */
    static long written() {
        return WRITTEN.sum();
    }

    /** Whether {@code subscriber}'s events are written without an execution (its plan is made with its READY). */
    static boolean direct(Subscriber subscriber) {
        Plan plan = subscriber.directPlan;
        return enabled && plan != null && plan != NONE && !Config.get().isExcludeNullFieldsInResponses();
    }

    /** The payload of {@code event} for {@code subscriber}'s selection, or null when it must be executed. */
    static String render(Subscriber subscriber, ChangeEvent<?> event, GraphQLSchema schema) {
        if (!enabled || subscriber.renderKey == null || schema == null || Config.get().isExcludeNullFieldsInResponses()) {
            return null;
        }
        Plan plan = subscriber.directPlan;
        if (plan == null) {
            plan = plan(subscriber.request, schema);
            subscriber.directPlan = plan; // immutable: a race makes it twice, harmlessly
        }
        if (plan == NONE) {
            return null;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (EventField field : plan.fields()) {
            if (field.typename() != null) {
                fields.put(field.key(), field.typename());
            } else if (field.row() != null) {
                if (event.row == null) {
                    if (field.nonNull()) {
                        return null;
                    }
                    fields.put(field.key(), null);
                } else {
                    Map<String, Object> row = row(field.row(), event.row);
                    if (row == null) {
                        return null;
                    }
                    fields.put(field.key(), row);
                }
            } else {
                Object raw = field.value().apply(event);
                if (raw == null && field.nonNull()) {
                    return null;
                }
                fields.put(field.key(), raw == null ? null : serialize(field.type(), raw));
            }
        }
        String json = AnswerJson.write(Map.of(plan.rootKey(), fields));
        if (json == null) {
            return null;
        }
        WRITTEN.increment();
        return "{\"data\":" + json + "}";
    }

    private static Map<String, Object> row(List<Column> columns, SyncedEntity row) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Column column : columns) {
            if (column.typename() != null) {
                values.put(column.key(), column.typename());
                continue;
            }
            OnePassRows.ColumnReader reader = OnePassRows.columnReader(row.getClass(), column.name());
            if (reader == null) {
                return null;
            }
            Object raw = reader.read(row);
            if (raw == null && column.nonNull()) {
                return null;
            }
            values.put(column.key(), raw == null ? null : serialize(column.scalar(), raw));
        }
        return values;
    }

    private static Object serialize(GraphQLType type, Object raw) {
        GraphQLContext context = GraphQLContext.getDefault();
        if (type instanceof GraphQLEnumType enumType) {
            return enumType.serialize(raw, context, Locale.getDefault());
        }
        return ((GraphQLScalarType) type).getCoercing().serialize(raw, context, Locale.getDefault());
    }

    /** The plan of a subscribe request's selection set, or {@link #NONE} when it needs an execution. */
    static Plan plan(JsonObject request, GraphQLSchema schema) {
        Document document;
        try {
            document = Parser.parse(request.getString("query", ""));
        } catch (InvalidSyntaxException | ClassCastException e) {
            return NONE;
        }
        String operationName = request.get("operationName") instanceof jakarta.json.JsonString name ? name.getString() : null;
        List<OperationDefinition> operations = new ArrayList<>();
        for (Definition<?> definition : document.getDefinitions()) {
            if (!(definition instanceof OperationDefinition op)) {
                return NONE; // a fragment: selections through fragments are left to graphql-java
            }
            if (operationName == null || operationName.equals(op.getName())) {
                operations.add(op);
            }
        }
        OperationDefinition operation = operations.size() == 1 ? operations.get(0) : null;
        GraphQLObjectType subscriptions = schema.getSubscriptionType();
        if (operation == null || subscriptions == null || operation.getOperation() != OperationDefinition.Operation.SUBSCRIPTION
                || !operation.getDirectives().isEmpty() || operation.getSelectionSet().getSelections().size() != 1
                || !(operation.getSelectionSet().getSelections().get(0) instanceof Field root) || !root.getDirectives().isEmpty()) {
            return NONE;
        }
        GraphQLFieldDefinition definition = subscriptions.getFieldDefinition(root.getName());
        if (definition == null || !(GraphQLTypeUtil.unwrapNonNull(definition.getType()) instanceof GraphQLObjectType eventType)) {
            return NONE;
        }
        List<EventField> fields = each(root.getSelectionSet(), field -> eventField(eventType, field));
        return fields == null ? NONE : new Plan(root.getResultKey(), fields);
    }

    private static EventField eventField(GraphQLObjectType eventType, Field field) {
        if (field.getName().equals(Introspection.TypeNameMetaFieldDef.getName())) {
            return field.getSelectionSet() == null ? new EventField(field.getResultKey(), null, null, false, eventType.getName(), null) : null;
        }
        GraphQLFieldDefinition definition = eventType.getFieldDefinition(field.getName());
        if (definition == null || !definition.getArguments().isEmpty()) {
            return null;
        }
        boolean nonNull = definition.getType() instanceof GraphQLNonNull;
        GraphQLType type = GraphQLTypeUtil.unwrapNonNull(definition.getType());
        if (field.getName().equals("row") && type instanceof GraphQLObjectType rowType) {
            List<Column> columns = each(field.getSelectionSet(), selected -> column(rowType, selected));
            return columns == null ? null : new EventField(field.getResultKey(), null, null, nonNull, null, columns);
        }
        Function<ChangeEvent<?>, Object> value = EVENT_VALUES.get(field.getName());
        if (value == null || field.getSelectionSet() != null || !(type instanceof GraphQLScalarType || type instanceof GraphQLEnumType)) {
            return null;
        }
        return new EventField(field.getResultKey(), value, type, nonNull, null, null);
    }

    private static Column column(GraphQLObjectType rowType, Field field) {
        if (field.getSelectionSet() != null) {
            return null;
        }
        if (field.getName().equals(Introspection.TypeNameMetaFieldDef.getName())) {
            return new Column(field.getResultKey(), field.getName(), null, false, rowType.getName());
        }
        GraphQLFieldDefinition definition = rowType.getFieldDefinition(field.getName());
        if (definition == null || !definition.getArguments().isEmpty()
                || !(GraphQLTypeUtil.unwrapNonNull(definition.getType()) instanceof GraphQLScalarType scalar)) {
            return null;
        }
        return new Column(field.getResultKey(), field.getName(), scalar, definition.getType() instanceof GraphQLNonNull, null);
    }

    /** {@code planned} of every plain field of a selection set, or null when one has no plan or there is none. */
    private static <T> List<T> each(SelectionSet selectionSet, Function<Field, T> planned) {
        List<T> plans = new ArrayList<>();
        for (Field field : plainFields(selectionSet)) {
            T plan = planned.apply(field);
            if (plan == null) {
                return null;
            }
            plans.add(plan);
        }
        return plans.isEmpty() ? null : List.copyOf(plans);
    }

    /**
     * The fields of a selection set when each is a plain field (no fragment, no directive, no argument)
     * and no two share a result key (graphql-java would merge them); else an empty list.
     */
    private static List<Field> plainFields(SelectionSet selectionSet) {
        if (selectionSet == null) {
            return List.of();
        }
        List<Field> fields = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Selection<?> selection : selectionSet.getSelections()) {
            if (!(selection instanceof Field field) || !field.getDirectives().isEmpty() || !field.getArguments().isEmpty()
                    || !keys.add(field.getResultKey())) {
                return List.of();
            }
            fields.add(field);
        }
        return fields;
    }
}
