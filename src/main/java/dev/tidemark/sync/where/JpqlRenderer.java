package dev.tidemark.sync.where;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncTable;

/**
 * Renders a {@link Condition} to JPQL, with every value bound as a named parameter; or to SQL over
 * the tables and columns the entities map to, with every value a positional parameter
 * ({@link #renderSql}: the same predicate, for reads that bypass Hibernate).
 */
public final class JpqlRenderer {

    /** Most parts of an and/or joined at one level; see {@link #join}. */
    static final int FAN_OUT = 16;

    /** Escape character for LIKE patterns; chosen to need no escaping in JPQL string literals. */
    private static final char LIKE_ESCAPE = '!';

    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final List<Object> positional = new ArrayList<>();
    /** SQL (table and column names, {@code ?} parameters) rather than JPQL. */
    private final boolean sql;
    private int aliases;

    private JpqlRenderer(boolean sql) {
        this.sql = sql;
    }

    public static JpqlScope render(Condition condition) {
        JpqlRenderer renderer = new JpqlRenderer(false);
        String predicate = renderer.render(condition, JpqlScope.ROOT);
        return new JpqlScope(predicate, Map.copyOf(renderer.parameters));
    }

    /** The same predicate in SQL over the alias {@link SqlScope#ROOT} of the table, its values positional parameters in order. */
    public static SqlScope renderSql(Condition condition) {
        JpqlRenderer renderer = new JpqlRenderer(true);
        String predicate = renderer.render(condition, SqlScope.ROOT);
        return new SqlScope(predicate, List.copyOf(renderer.positional));
    }

    private String name(SyncTable table) {
        return sql ? table.tableName() : table.entityName();
    }

    private String name(SyncColumn column) {
        return sql ? column.column() : column.field();
    }

    /** The named column of {@code table} ({@code deletedAt}; {@code uid} is that column in every table: {@code SyncedEntity}). */
    private String name(SyncTable table, String field) {
        return sql ? table.column(field).column() : field;
    }

    private String render(Condition condition, String alias) {
        if (condition instanceof Condition.All all) {
            return join(all.parts(), " and ", "1=1", alias);
        }
        if (condition instanceof Condition.AnyOf any) {
            return join(any.parts(), " or ", "1=0", alias);
        }
        if (condition instanceof Condition.Not not) {
            return "not (" + render(not.inner(), alias) + ")";
        }
        if (condition instanceof Condition.Compare compare) {
            return compare(compare, alias + "." + name(compare.column()));
        }
        if (condition instanceof Condition.Parent parent) {
            String inner = nextAlias();
            return alias + "." + name(parent.relation().foreignKey()) + " in (select " + inner + ".uid from " + name(parent.target())
                    + " " + inner + " where " + render(parent.condition(), inner) + ")";
        }
        if (condition instanceof Condition.Visible visible) {
            String inner = nextAlias();
            return alias + ".uid in (select " + inner + ".uid from " + name(visible.table()) + " " + inner + " where "
                    + render(visible.condition(), inner) + ")";
        }
        Condition.Children children = (Condition.Children) condition;
        String inner = nextAlias();
        SyncTable child = children.child();
        return (children.some() ? "" : "not ") + "exists (select " + inner + ".uid from " + name(child)
                + " " + inner + " where " + inner + "." + name(children.back().foreignKey()) + " = " + alias
                + ".uid and " + inner + "." + name(child, "deletedAt") + " is null and "
                + render(children.condition(), inner) + ")";
    }

    /**
     * Parts joined by and/or. Only conjunctions and disjunctions of several parts are parenthesised:
     * Hibernate's HQL parser (ANTLR) predicts each "(" by looking ahead, and redundant parentheses
     * around comparisons made deeply nested scopes (row policies at every relation) take seconds to parse.
     *
     * <p>More than {@link #FAN_OUT} parts are joined in parenthesised groups of at most that many,
     * recursively: HQL reads {@code a and b and c ...} as a left-deep tree that Hibernate's
     * SemanticQueryBuilder visits recursively, one level per part (5,000 parts overflowed its stack),
     * while groups keep that depth to {@code FAN_OUT} per level of grouping (about 50 for 5,000 parts).
     */
    private String join(List<Condition> parts, String operator, String empty, String alias) {
        if (parts.isEmpty()) {
            return empty;
        }
        if (parts.size() == 1) {
            return render(parts.get(0), alias);
        }
        if (parts.size() <= FAN_OUT) {
            return parts.stream().map(p -> operand(p, alias)).collect(Collectors.joining(operator));
        }
        int groupSize = (parts.size() + FAN_OUT - 1) / FAN_OUT;
        StringBuilder joined = new StringBuilder();
        for (int from = 0; from < parts.size(); from += groupSize) {
            List<Condition> group = parts.subList(from, Math.min(parts.size(), from + groupSize));
            joined.append(from == 0 ? "" : operator)
                    .append(group.size() == 1 ? operand(group.get(0), alias) : "(" + join(group, operator, empty, alias) + ")");
        }
        return joined.toString();
    }

    /** A part of an and/or: parenthesised when it is itself an and/or of several parts. */
    private String operand(Condition part, String alias) {
        return composite(part) ? "(" + render(part, alias) + ")" : render(part, alias);
    }

    private static boolean composite(Condition condition) {
        return condition instanceof Condition.All all && all.parts().size() > 1
                || condition instanceof Condition.AnyOf any && any.parts().size() > 1;
    }

    private String compare(Condition.Compare compare, String path) {
        Object value = compare.value();
        switch (compare.op()) {
            case EQ:
                return path + " = " + param(value);
            case NE:
                return "(" + path + " is null or " + path + " <> " + param(value) + ")";
            case IN:
                return ((List<?>) value).isEmpty() ? "1=0" : path + " in " + param(value);
            case NOT_IN:
                return ((List<?>) value).isEmpty() ? "1=1" : "(" + path + " is null or " + path + " not in " + param(value) + ")";
            case LT:
                return path + " < " + param(value);
            case LTE:
                return path + " <= " + param(value);
            case GT:
                return path + " > " + param(value);
            case GTE:
                return path + " >= " + param(value);
            case IS_NULL:
                return path + (Boolean.TRUE.equals(value) ? " is null" : " is not null");
            case CONTAINS:
                return path + " like " + param("%" + escapeLike((String) value) + "%") + " escape '" + LIKE_ESCAPE + "'";
            case STARTS_WITH:
                return path + " like " + param(escapeLike((String) value) + "%") + " escape '" + LIKE_ESCAPE + "'";
            default:
                throw new IllegalStateException("Unhandled operator " + compare.op());
        }
    }

    private String param(Object value) {
        if (sql) {
            if (value instanceof List<?> list) {
                list.forEach(positional::add);
                return list.stream().map(v -> "?").collect(Collectors.joining(", ", "(", ")"));
            }
            positional.add(value);
            return "?";
        }
        String name = "p" + parameters.size();
        parameters.put(name, value);
        return ":" + name;
    }

    private String nextAlias() {
        return "e" + (++aliases);
    }

    static String escapeLike(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 4);
        for (char c : text.toCharArray()) {
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                escaped.append(LIKE_ESCAPE);
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
