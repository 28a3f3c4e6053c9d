package dev.tidemark.sync.where;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;


/**
 * Evaluates a {@link Condition} against a {@link RowImage} in memory, with the same meaning as the
 * JPQL the queries run ({@code ne}/{@code notIn} match null, children count only when live).
 * Relations are resolved through a {@link RelationLookup} that was filled in batches, so matching
 * many scopes against many changed rows costs no query per scope.
 *
 * <p>One difference: {@code lt}/{@code gt} on strings compare code points here, while PostgreSQL
 * uses the database collation. Scopes that order strings should be avoided in subscriptions.
 */
public final class RowMatcher {

    private RowMatcher() {
    }

    /** Whether the row is in the scope: the condition is true (unknown, as in SQL, is not). */
    public static boolean matches(Condition condition, RowImage row, RelationLookup lookup) {
        return eval(condition, row, lookup) == Boolean.TRUE;
    }

    /**
     * SQL's three-valued logic, so that {@code not}, {@code and} and {@code or} over null columns
     * select what the query selects: TRUE, FALSE, or null for UNKNOWN.
     */
    private static Boolean eval(Condition condition, RowImage row, RelationLookup lookup) {
        if (condition instanceof Condition.All all) {
            Boolean result = Boolean.TRUE;
            for (Condition part : all.parts()) {
                Boolean value = eval(part, row, lookup);
                if (value == Boolean.FALSE) {
                    return Boolean.FALSE;
                }
                if (value == null) {
                    result = null;
                }
            }
            return result;
        }
        if (condition instanceof Condition.AnyOf any) {
            Boolean result = Boolean.FALSE;
            for (Condition part : any.parts()) {
                Boolean value = eval(part, row, lookup);
                if (value == Boolean.TRUE) {
                    return Boolean.TRUE;
                }
                if (value == null) {
                    result = null;
                }
            }
            return result;
        }
        if (condition instanceof Condition.Not not) {
            Boolean inner = eval(not.inner(), row, lookup);
            return inner == null ? null : !inner;
        }
        if (condition instanceof Condition.Compare compare) {
            return compare(compare, row.get(compare.column().field()));
        }
        if (condition instanceof Condition.Parent parent) {
            UUID key = (UUID) row.get(parent.relation().foreignKey().field());
            if (key == null) {
                return null;
            }
            RowImage target = lookup.parent(parent.target(), key);
            return target != null && matches(parent.condition(), target, lookup);
        }
        if (condition instanceof Condition.Visible visible) {
            return matches(visible.condition(), row, lookup); // never unknown, as "uid in (...)" in SQL
        }
        Condition.Children children = (Condition.Children) condition;
        boolean any = false;
        for (RowImage child : lookup.liveChildren(children.child(), children.back(), row.uid())) {
            if (matches(children.condition(), child, lookup)) {
                any = true;
                break;
            }
        }
        return children.some() == any;
    }

    /** As rendered by {@code JpqlRenderer}: ne/notIn are "is null or ...", the others are unknown on null. */
    private static Boolean compare(Condition.Compare compare, Object value) {
        Object operand = compare.value();
        switch (compare.op()) {
            case NE:
                return value == null || !same(value, operand);
            case NOT_IN:
                return value == null || ((List<?>) operand).isEmpty() || !contains((List<?>) operand, value);
            case IN:
                if (((List<?>) operand).isEmpty()) {
                    return Boolean.FALSE;
                }
                break;
            case IS_NULL:
                return (value == null) == Boolean.TRUE.equals(operand);
            default:
                break;
        }
        if (value == null) {
            return null;
        }
        switch (compare.op()) {
            case EQ:
                return same(value, operand);
            case IN:
                return contains((List<?>) operand, value);
            case LT:
                return order(value, operand) < 0;
            case LTE:
                return order(value, operand) <= 0;
            case GT:
                return order(value, operand) > 0;
            case GTE:
                return order(value, operand) >= 0;
            case CONTAINS:
                return value.toString().contains((String) operand);
            case STARTS_WITH:
                return value.toString().startsWith((String) operand);
            default:
                throw new IllegalStateException("Unhandled operator " + compare.op());
        }
    }

    private static boolean contains(List<?> values, Object value) {
        for (Object candidate : values) {
            if (same(value, candidate)) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(Object value, Object operand) {
        if (value instanceof UUID || value instanceof String) {
            return value.equals(operand);
        }
        return order(value, operand) == 0;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static int order(Object value, Object operand) {
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().compareTo(((OffsetDateTime) operand).toInstant());
        }
        if (value instanceof Number number) {
            return Long.compare(number.longValue(), ((Number) operand).longValue());
        }
        return ((Comparable) value).compareTo(operand);
    }
}
