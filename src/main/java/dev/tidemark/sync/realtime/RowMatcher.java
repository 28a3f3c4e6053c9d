package dev.tidemark.sync.realtime;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import dev.tidemark.sync.where.Condition;

/**
 * Evaluates a {@link Condition} against a {@link RowImage} in memory, with the same meaning as the
 * JPQL the queries run ({@code ne}/{@code notIn} match null, children count only when live).
 * Relations are resolved through a {@link RelationLookup} that was filled in batches, so matching
 * many scopes against many changed rows costs no query per scope.
 *
 * <p>One difference: {@code lt}/{@code gt} on strings compare code points here, while PostgreSQL
 * uses the database collation. Scopes that order strings should be avoided in subscriptions.
 */
final class RowMatcher {

    private RowMatcher() {
    }

    static boolean matches(Condition condition, RowImage row, RelationLookup lookup) {
        if (condition instanceof Condition.All all) {
            for (Condition part : all.parts()) {
                if (!matches(part, row, lookup)) {
                    return false;
                }
            }
            return true;
        }
        if (condition instanceof Condition.AnyOf any) {
            for (Condition part : any.parts()) {
                if (matches(part, row, lookup)) {
                    return true;
                }
            }
            return false;
        }
        if (condition instanceof Condition.Not not) {
            return !matches(not.inner(), row, lookup);
        }
        if (condition instanceof Condition.Compare compare) {
            return compare(compare, row.get(compare.column().field()));
        }
        if (condition instanceof Condition.Parent parent) {
            UUID key = (UUID) row.get(parent.relation().foreignKey().field());
            RowImage target = key == null ? null : lookup.parent(parent.target(), key);
            return target != null && matches(parent.condition(), target, lookup);
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

    private static boolean compare(Condition.Compare compare, Object value) {
        Object operand = compare.value();
        switch (compare.op()) {
            case EQ:
                return value != null && same(value, operand);
            case NE:
                return value == null || !same(value, operand);
            case IN:
                return value != null && contains((List<?>) operand, value);
            case NOT_IN:
                return value == null || !contains((List<?>) operand, value);
            case LT:
                return value != null && order(value, operand) < 0;
            case LTE:
                return value != null && order(value, operand) <= 0;
            case GT:
                return value != null && order(value, operand) > 0;
            case GTE:
                return value != null && order(value, operand) >= 0;
            case IS_NULL:
                return (value == null) == Boolean.TRUE.equals(operand);
            case CONTAINS:
                return value != null && value.toString().contains((String) operand);
            case STARTS_WITH:
                return value != null && value.toString().startsWith((String) operand);
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
