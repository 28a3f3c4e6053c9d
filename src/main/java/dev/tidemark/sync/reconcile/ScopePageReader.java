package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;

import org.hibernate.jpa.HibernateHints;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.JpqlScope;

/**
 * Reads one page of a scope's live rows for a large scope's first sync: the rows after a uid, in
 * uid order, at most the page size (one more is read to know whether more follow). uid order is
 * the one order a concurrent write cannot move a row across the client's cursor in (a version or
 * a time would); rows that change between pages reach the client as events, and the reconcile it
 * runs after its last page (held rows compared version by version) corrects whatever the pages
 * missed, so a page needs no consistency with the one before. Tombstones are left out: a client
 * gets them only for rows it holds, in that reconcile.
 */
@ApplicationScoped
public class ScopePageReader {

    @Inject
    EntityManager em;

    public ScopeOutcome read(ScopeRequest scope) {
        ScopePage page = scope.page();
        JpqlScope where = JpqlRenderer.render(scope.condition());
        List<String> extra = new ArrayList<>(List.of(JpqlScope.ROOT + ".deletedAt is null"));
        if (page.after() != null) {
            extra.add(JpqlScope.ROOT + ".uid > :pageAfter");
        }
        TypedQuery<? extends SyncedEntity> query = where.select(em, scope.table().entityClass(), scope.table().entityName(),
                extra, JpqlScope.ROOT + ".uid");
        if (page.after() != null) {
            query.setParameter("pageAfter", page.after());
        }
        List<SyncedEntity> rows = new ArrayList<>(query.setMaxResults(page.size() + 1)
                .setHint(HibernateHints.HINT_READ_ONLY, true).getResultList());
        boolean more = rows.size() > page.size();
        if (more) {
            rows.remove(rows.size() - 1);
        }
        UUID end = rows.isEmpty() ? page.after() : rows.get(rows.size() - 1).uid;
        Integer total = page.after() == null ? count(scope, where) : null;
        return new ScopeOutcome(scope.id(), rows, List.of(), List.of(), List.of(), null, new PageOutcome(more, end, total), null,
                AnswerSource.PAGE, null);
    }

    /** The scope's live rows now: the denominator of the client's progress. */
    private Integer count(ScopeRequest scope, JpqlScope where) {
        Long count = where.bind(em.createQuery("select count(" + JpqlScope.ROOT + ") from " + scope.table().entityName() + " "
                + JpqlScope.ROOT + " where " + where.predicate() + " and " + JpqlScope.ROOT + ".deletedAt is null", Long.class))
                .getSingleResult();
        return (int) Math.min(Integer.MAX_VALUE, count);
    }
}
