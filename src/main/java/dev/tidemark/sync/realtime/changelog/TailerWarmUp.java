package dev.tidemark.sync.realtime.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.jboss.logging.Logger;

import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import io.agroal.api.AgroalDataSource;

/**
 * Runs, once at start, every query the tailer and its {@link BatchLookup} send while delivering, as
 * they send them (a stateless session on a connection outside JTA): a table's row by uid, its rows by
 * several uids, and its live rows by each foreign key. Hibernate turns each query
 * string into SQL the first time it sees it; done on the first change after a start, that cost
 * (and the cold code paths behind it) fell on the tailer thread while every subscriber waited
 * (issue 18: the first run after a start at p99 seconds, the second at milliseconds).
 */
@ApplicationScoped
public class TailerWarmUp {

    private static final Logger LOG = Logger.getLogger(TailerWarmUp.class);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SessionFactory sessions;

    @Inject
    SyncRegistry registry;

    /** The queries of every table, in a read-only transaction; a failure is logged, never fatal (they run later anyway). */
    void run() {
        long start = System.nanoTime();
        int queries = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement();
                    StatelessSession session = sessions.openStatelessSession(connection)) {
                statement.execute("set transaction read only");
                queries = queries(session);
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Preparing the change tailer's queries failed (they are prepared on first use instead): %s", e.getMessage());
            return;
        }
        LOG.debugf("Prepared %d change-tailer queries in %d ms", queries, (System.nanoTime() - start) / 1_000_000);
    }

    private int queries(StatelessSession session) {
        UUID nobody = UUID.randomUUID();
        int queries = 0;
        for (int round = 0; round < 2; round++) { // the second round runs what the first compiled
            for (SyncTable table : registry.all()) {
                BatchLookup lookup = new BatchLookup(session);
                lookup.prefetchParents(table, List.of(nobody, UUID.randomUUID())); // several uids: the multi-id load
                lookup.prefetchParents(table, List.of(UUID.randomUUID())); // one: the single-id load
                queries += 2;
                for (ParentRelation relation : table.parents().values()) {
                    lookup.liveChildren(table, relation, nobody);
                    queries++;
                }
            }
        }
        return queries;
    }
}
