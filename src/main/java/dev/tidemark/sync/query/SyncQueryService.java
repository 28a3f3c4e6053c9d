package dev.tidemark.sync.query;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;

import org.hibernate.jpa.HibernateHints;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.policy.ScopeCompiler;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.JpqlRenderer;
import dev.tidemark.sync.where.JpqlScope;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;

/** Lists the rows of a table that match a where-scope and the caller's row policy, in one parameterised query. */
@ApplicationScoped
public class SyncQueryService {

    static final String ORDER = JpqlScope.ROOT + ".createdAt, " + JpqlScope.ROOT + ".uid";

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    @Inject
    ScopeCompiler scopes;

    @Inject
    TidemarkConfig config;

    @Inject
    Caller caller;

    @Inject
    CurrentVertxRequest request;

    /**
     * Rows of {@code type} matching {@code where} (null: all), oldest first; tombstones only when
     * {@code includeDeleted}. Fails with LIMIT_EXCEEDED rather than return a truncated list. Read
     * only: when called as the data fetcher of a query's list field that selects only columns, the
     * rows are plain objects with only those columns set ({@link ColumnRows}); otherwise read-only
     * entities.
     */
    public <T extends SyncedEntity> List<T> list(Class<T> type, Object where, boolean includeDeleted) {
        SQLException failed = DirectQueries.failedRead(request == null ? null : request.getCurrent());
        if (failed != null) {
            // this request's direct read found the database unavailable a moment ago: answer that, not wait again
            throw new PersistenceException("the database is unavailable", failed);
        }
        SyncTable table = registry.table(type);
        JpqlScope scope = JpqlRenderer.render(scopes.compile(table, where, "where", caller.identity()));
        List<String> extra = new ArrayList<>();
        if (!includeDeleted) {
            extra.add(JpqlScope.ROOT + ".deletedAt is null");
        }
        int max = config.query().maxRows();
        List<SyncColumn> columns = ColumnRows.selected(table);
        List<T> rows = columns != null ? ColumnRows.read(em, type, table, scope, extra, ORDER, max + 1, columns)
                : scope.select(em, type, table.entityName(), extra, ORDER).setMaxResults(max + 1)
                // Read for the answer only: no snapshot of each row's loaded state for dirty checking.
                .setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultList();
        if (rows.size() > max) {
            throw new LimitExceededException("where", "more than " + max + " " + table.typeName()
                    + " rows match (tidemark.query.max-rows); narrow the where");
        }
        return rows;
    }
}
