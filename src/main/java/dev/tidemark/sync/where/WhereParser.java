package dev.tidemark.sync.where;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.schema.ChildRelation;
import dev.tidemark.sync.schema.InputFields;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.schema.Uuids;
import dev.tidemark.sync.schema.Versions;

/**
 * Turns a where-input object (a {@link SyncedWhere} subclass) into a validated {@link Condition}:
 * field names are resolved against the table's registry entry, UUIDs and versions are checked, and
 * the depth, width and list-size limits are enforced. Every error names the input path it is about.
 *
 * <p>Width: every where object and every operator counts one condition, across {@code and},
 * {@code or}, {@code not} and relations; over {@code tidemark.where.max-conditions} the parse stops
 * at once (so the work it did is bounded by the limit, not by the input). Every where a client
 * sends comes through here: queries, sync scopes and subscriptions (and row policies).
 */
@ApplicationScoped
public class WhereParser {

    @Inject
    SyncRegistry registry;

    @Inject
    TidemarkConfig config;

    /** Parses {@code where} for {@code table}; null means no condition. */
    public Condition parse(SyncTable table, Object where, String path) {
        return where == null ? Condition.TRUE : parse(table, where, path, 1, new Width(config.where().maxConditions()));
    }

    private Condition parse(SyncTable table, Object where, String path, int depth, Width width) {
        int maxDepth = config.where().maxDepth();
        if (depth > maxDepth) {
            throw new LimitExceededException(path, "where-input nested deeper than " + maxDepth
                    + " levels (tidemark.where.max-depth); flatten the and/or/not or relation nesting");
        }
        width.count(path);
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, Object> field : InputFields.entries(where)) {
            parts.add(parseField(table, field.getKey(), field.getValue(), path + "." + field.getKey(), depth, width));
        }
        return parts.size() == 1 ? parts.get(0) : new Condition.All(List.copyOf(parts));
    }

    private Condition parseField(SyncTable table, String name, Object value, String path, int depth, Width width) {
        switch (name) {
            case "and":
                return new Condition.All(parseList(table, value, path, depth, width));
            case "or":
                return new Condition.AnyOf(parseList(table, value, path, depth, width));
            case "not":
                return new Condition.Not(parse(table, value, path, depth + 1, width));
            default:
                break;
        }
        SyncColumn column = table.column(name);
        if (column != null) {
            return parseFilter(column, value, path, width);
        }
        ParentRelation parent = table.parents().get(name);
        if (parent != null) {
            SyncTable target = registry.table(parent.target());
            return new Condition.Parent(parent, target, parse(target, value, path, depth + 1, width));
        }
        ChildRelation child = table.children().get(name);
        if (child != null) {
            return parseChildren(child, value, path, depth, width);
        }
        throw new IllegalStateException("Where-input field " + path + " matches no column or relation of "
                + table.typeName() + "; rename it after the entity field");
    }

    private List<Condition> parseList(SyncTable table, Object value, String path, int depth, Width width) {
        List<Condition> parts = new ArrayList<>();
        int i = 0;
        for (Object item : (List<?>) value) {
            String itemPath = path + "[" + i++ + "]";
            if (item == null) {
                throw new InvalidInputException(itemPath, "null is not a where-input; remove it from the list");
            }
            parts.add(parse(table, item, itemPath, depth + 1, width));
        }
        return List.copyOf(parts);
    }

    private Condition parseChildren(ChildRelation relation, Object value, String path, int depth, Width width) {
        SyncTable child = registry.table(relation.child());
        ParentRelation back = child.parents().get(relation.parentField());
        List<Condition> parts = new ArrayList<>();
        Object some = InputFields.require(value, "some");
        Object none = InputFields.require(value, "none");
        if (some != null) {
            parts.add(new Condition.Children(relation, child, back, true, parse(child, some, path + ".some", depth + 1, width)));
        }
        if (none != null) {
            parts.add(new Condition.Children(relation, child, back, false, parse(child, none, path + ".none", depth + 1, width)));
        }
        return parts.size() == 1 ? parts.get(0) : new Condition.All(List.copyOf(parts));
    }

    private Condition parseFilter(SyncColumn column, Object filter, String path, Width width) {
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, Object> field : InputFields.entries(filter)) {
            Object value = field.getValue();
            Op op = Op.ofField(field.getKey());
            String opPath = path + "." + field.getKey();
            width.count(opPath);
            if (op == null) {
                throw new IllegalStateException("Filter field " + opPath + " is no operator (" + java.util.Arrays.toString(Op.values()) + ")");
            }
            if (op.takesList()) {
                parts.add(new Condition.Compare(column, op, convertList(column, (List<?>) value, opPath)));
            } else if (op == Op.IS_NULL) {
                parts.add(new Condition.Compare(column, op, value));
            } else {
                parts.add(new Condition.Compare(column, op, convert(column, value, opPath)));
            }
        }
        return parts.size() == 1 ? parts.get(0) : new Condition.All(List.copyOf(parts));
    }

    private List<Object> convertList(SyncColumn column, List<?> values, String path) {
        int max = config.where().maxInSize();
        if (values.size() > max) {
            throw new LimitExceededException(path, "list of " + values.size() + " values is over the limit of " + max
                    + " (tidemark.where.max-in-size); split the query or narrow it with a relation");
        }
        List<Object> converted = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            converted.add(convert(column, values.get(i), path + "[" + i + "]"));
        }
        return converted;
    }

    private static Object convert(SyncColumn column, Object value, String path) {
        if (value == null) {
            throw new InvalidInputException(path, "null is not a value here; use isNull to match missing values");
        }
        if (column.type() == UUID.class) {
            return Uuids.parse(value.toString(), path);
        }
        if (column.field().equals("version")) {
            return Versions.require(((Number) value).longValue(), path);
        }
        return asColumnType(column, value, path);
    }

    /**
     * A value of a where given as a map (a subscription's argument as GraphQL coerced it, a row
     * policy's JSON) in the column's Java type, as a typed where-input holds it: a date-time
     * arrives as its ISO-8601 text, a whole number as whatever number type parsed it.
     */
    private static Object asColumnType(SyncColumn column, Object value, String path) {
        Class<?> type = column.type();
        if (type == OffsetDateTime.class && value instanceof String text) {
            try {
                return OffsetDateTime.parse(text);
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(path, "'" + abbreviate(text) + "' is not a date-time with an offset "
                        + "(expected ISO-8601, e.g. 2024-05-01T12:00:00Z)");
            }
        }
        if ((type == Long.class || type == long.class) && value instanceof Number number && !(value instanceof Long)) {
            return number.longValue();
        }
        if ((type == Integer.class || type == int.class) && value instanceof Number number && !(value instanceof Integer)) {
            return number.intValue();
        }
        return value;
    }

    /** The conditions one where may still have; counting past zero refuses the where. */
    private static final class Width {
        private final int max;
        private int count;

        Width(int max) {
            this.max = max;
        }

        void count(String path) {
            if (++count > max) {
                throw new LimitExceededException(path, "the where has more than " + max + " conditions "
                        + "(tidemark.where.max-conditions: every where object and every operator counts one, across "
                        + "and/or/not and relations); use in/notIn for lists of values, or split the scope");
            }
        }
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 64 ? String.valueOf(text) : text.substring(0, 61) + "...";
    }
}
