package dev.tidemark.sync.where;

import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

/**
 * A where-scope rendered as a parameterised JPQL predicate over the alias {@code e}. Values only
 * ever travel as parameters; column and entity names come from the registry, never from input.
 *
 * @param predicate JPQL boolean expression
 * @param parameters named parameters it uses
 */
public record JpqlScope(String predicate, Map<String, Object> parameters) {

    public static final String ROOT = "e";

    public <T> TypedQuery<T> bind(TypedQuery<T> query) {
        parameters.forEach(query::setParameter);
        return query;
    }

    /** {@code select e from <entity> e where <predicate> [and <extra>] order by ...} as a typed query. */
    public <T> TypedQuery<T> select(EntityManager em, Class<T> type, String entityName, List<String> extra, String orderBy) {
        return select(em, type, ROOT, entityName, extra, orderBy);
    }

    /** {@code select <projection> from <entity> e where <predicate> [and <extra>] order by ...} as a typed query. */
    public <T> TypedQuery<T> select(EntityManager em, Class<T> type, String projection, String entityName, List<String> extra,
            String orderBy) {
        StringBuilder jpql = new StringBuilder("select ").append(projection).append(" from ").append(entityName)
                .append(' ').append(ROOT).append(" where ").append(predicate);
        extra.forEach(e -> jpql.append(" and ").append(e));
        if (orderBy != null) {
            jpql.append(" order by ").append(orderBy);
        }
        return bind(em.createQuery(jpql.toString(), type));
    }
}
