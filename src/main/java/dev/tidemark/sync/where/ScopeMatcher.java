package dev.tidemark.sync.where;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.TypedQuery;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.schema.Columns;

/**
 * Decides whether one row, as it is in memory (possibly not yet written), matches a scope.
 * Column conditions are evaluated in Java with the same semantics as the JPQL rendering (text
 * compares by code point, as the "C" collation of the schema does; {@code ne}/{@code notIn} match
 * null). Relation conditions look at the database, one small query per relation condition.
 */
@ApplicationScoped
public class ScopeMatcher {

    @Inject
    EntityManager em;

    public boolean matches(Condition condition, SyncedEntity row) {
        if (condition instanceof Condition.All all) {
            return all.parts().stream().allMatch(part -> matches(part, row));
        }
        if (condition instanceof Condition.AnyOf any) {
            return any.parts().stream().anyMatch(part -> matches(part, row));
        }
        if (condition instanceof Condition.Not not) {
            return !matches(not.inner(), row);
        }
        if (condition instanceof Condition.Compare compare) {
            return compare(compare, Columns.read(row, compare.column()));
        }
        if (condition instanceof Condition.Parent parent) {
            Object parentUid = Columns.read(row, parent.relation().foreignKey());
            return parentUid != null && exists(parent.target().entityName(), JpqlScope.ROOT + ".uid = :row",
                    parentUid, parent.condition());
        }
        Condition.Children children = (Condition.Children) condition;
        boolean some = exists(children.child().entityName(), JpqlScope.ROOT + "." + children.back().foreignKey().field()
                + " = :row and " + JpqlScope.ROOT + ".deletedAt is null", row.uid, children.condition());
        return children.some() == some;
    }

    private boolean exists(String entityName, String link, Object rowKey, Condition condition) {
        JpqlScope scope = JpqlRenderer.render(condition);
        TypedQuery<Long> query = em.createQuery("select count(" + JpqlScope.ROOT + ") from " + entityName + " "
                + JpqlScope.ROOT + " where " + link + " and (" + scope.predicate() + ")", Long.class);
        query.setParameter("row", rowKey);
        query.setFlushMode(FlushModeType.COMMIT); // callers flush their writes before asking
        return scope.bind(query).getSingleResult() > 0;
    }

    static boolean compare(Condition.Compare compare, Object value) {
        Object operand = compare.value();
        switch (compare.op()) {
            case EQ:
                return value != null && same(value, operand);
            case NE:
                return value == null || !same(value, operand);
            case IN:
                return value != null && ((List<?>) operand).stream().anyMatch(o -> same(value, o));
            case NOT_IN:
                return value == null || ((List<?>) operand).stream().noneMatch(o -> same(value, o));
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

    private static boolean same(Object value, Object operand) {
        return order(value, operand) == 0;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static int order(Object value, Object operand) {
        if (value instanceof OffsetDateTime a && operand instanceof OffsetDateTime b) {
            return a.toInstant().compareTo(b.toInstant());
        }
        if (value instanceof Number a && operand instanceof Number b) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (value instanceof String a && operand instanceof String b) {
            return compareCodePoints(a, b);
        }
        if (value instanceof UUID && operand instanceof UUID) {
            return ((Comparable) value).compareTo(operand);
        }
        throw new IllegalStateException("Cannot compare " + value.getClass() + " with " + operand.getClass());
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
