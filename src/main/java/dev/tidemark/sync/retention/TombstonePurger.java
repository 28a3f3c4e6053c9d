package dev.tidemark.sync.retention;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.time.ServerClock;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes tombstones older than the retention horizon ({@code tidemark.retention.tombstones}),
 * and the replay records of syncs as old. Safe for clients that come back later: sync compares
 * row by row, so a row the client still holds and the server no longer has is dropped, and a
 * change based on it is refused (DELETED_ON_SERVER); nothing is resurrected.
 *
 * <p>Children go first; a tombstone still referenced by any row (a live document of a deleted
 * user, say) is kept until that row is gone. One instance at a time purges (advisory lock).
 */
@ApplicationScoped
public class TombstonePurger {

    private static final Logger LOG = Logger.getLogger(TombstonePurger.class);
    private static final long LOCK_KEY = 0x7469_6465_6d61_726bL; // "tidemark"

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    @Inject
    ServerClock clock;

    @Inject
    TidemarkConfig config;

    @Scheduled(every = "${tidemark.retention.purge-every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Map<String, Integer> purged = purgeOlderThan(clock.now().minus(config.retention().tombstones()));
        if (purged.values().stream().anyMatch(n -> n > 0)) {
            LOG.infof("Purged tombstones older than %s: %s", config.retention().tombstones(), purged);
        }
    }

    /** Purges tombstones deleted before {@code horizon}; returns rows deleted per table (empty if another instance is purging). */
    @Transactional
    public Map<String, Integer> purgeOlderThan(OffsetDateTime horizon) {
        Map<String, Integer> purged = new LinkedHashMap<>();
        Boolean locked = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(:key)")
                .setParameter("key", LOCK_KEY).getSingleResult();
        if (!Boolean.TRUE.equals(locked)) {
            return purged;
        }
        List<SyncTable> childrenFirst = new ArrayList<>(registry.inDependencyOrder());
        java.util.Collections.reverse(childrenFirst);
        for (SyncTable table : childrenFirst) {
            int rows = em.createNativeQuery(purgeSql(table)).setParameter("horizon", horizon).executeUpdate();
            purged.put(table.tableName(), rows);
            if (rows > 0) { // a purge writes no log entry: stamped reconnects of this table compare whole (TOMBSTONES_PURGED)
                em.createNativeQuery("insert into sync_purge (table_name, purged) values (:table, :rows)")
                        .setParameter("table", table.tableName()).setParameter("rows", rows).executeUpdate();
            }
        }
        // Stamps older than the change log's retention are compared whole anyway (TOO_OLD).
        em.createNativeQuery("delete from sync_purge where purged_at < now() - cast(:keep as interval)")
                .setParameter("keep", (2 * config.realtime().retention().toSeconds()) + " seconds").executeUpdate();
        purged.put("sync_request", em.createNativeQuery("delete from sync_request where created_at < :horizon")
                .setParameter("horizon", horizon).executeUpdate());
        return purged;
    }

    private String purgeSql(SyncTable table) {
        StringBuilder sql = new StringBuilder("delete from ").append(table.tableName())
                .append(" t where t.deleted_at < :horizon");
        for (SyncTable child : registry.all()) {
            for (ParentRelation relation : child.parents().values()) {
                if (relation.target() == table.entityClass()) {
                    sql.append(" and not exists (select 1 from ").append(child.tableName()).append(" c where c.")
                            .append(relation.foreignKey().column()).append(" = t.uid)");
                }
            }
        }
        return sql.toString();
    }
}
