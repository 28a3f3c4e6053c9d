package dev.tidemark.sync.realtime.changelog;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Runs, once at start, every query the tailer and its {@link BatchLookup} send while delivering: a
 * table's rows by uid, and a table's live rows by each foreign key. Hibernate turns each query
 * string into SQL the first time it sees it; done on the first change after a start, that cost
 * (and the cold code paths behind it) fell on the tailer thread while every subscriber waited
 * (issue 18: the first run after a start at p99 seconds, the second at milliseconds).
 */
@ApplicationScoped
public class TailerWarmUp {

    private static final Logger LOG = Logger.getLogger(TailerWarmUp.class);

    @Inject
    EntityManager em;

    @Inject
    SyncRegistry registry;

    /** The queries of every table, in a read-only transaction; a failure is logged, never fatal (they run later anyway). */
    void run() {
        long start = System.nanoTime();
        int queries = 0;
        try {
            queries = QuarkusTransaction.requiringNew().call(this::queries);
        } catch (RuntimeException e) {
            LOG.warnf("Preparing the change tailer's queries failed (they are prepared on first use instead): %s", e.getMessage());
            return;
        }
        LOG.debugf("Prepared %d change-tailer queries in %d ms", queries, (System.nanoTime() - start) / 1_000_000);
    }

    private int queries() {
        UUID nobody = UUID.randomUUID();
        int queries = 0;
        for (int round = 0; round < 2; round++) { // the second round runs what the first compiled
            for (SyncTable table : registry.all()) {
                BatchLookup lookup = new BatchLookup(em);
                lookup.prefetchParents(table, List.of(nobody));
                queries++;
                for (ParentRelation relation : table.parents().values()) {
                    lookup.liveChildren(table, relation, nobody);
                    queries++;
                }
            }
        }
        return queries;
    }
}
