package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hibernate.engine.spi.ManagedEntity;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.sync.realtime.hub.SubscriptionHub;
import dev.tidemark.support.Demo;

/**
 * The tailer's read transaction writes nothing, so it is not a JTA transaction with a persistence
 * context (issue 18: the JTA commit, the session's read-only set-up and its connection acquisition
 * were a quarter of the tailer's CPU): the rows are loaded by a stateless session on the read's own
 * connection, so Hibernate keeps no loaded-state copy of them and has nothing to flush (dirty-check)
 * at the commit, and no JTA transaction is active while the listener decides the batch; the
 * PostgreSQL transaction the rows are read in is the entries' (read-only, repeatable read). The tailer
 * thread is off; the test reads the log on its own thread, with a listener that only looks.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class TailerReadOnlyTest {

    @Inject
    ChangeLogTailer tailer;

    @Test
    void shouldLoadTheBatchRowsWithoutPersistenceContextOrTransactionManager() {
        List<String> seen = new ArrayList<>();
        QuarkusMock.installMockForType(new SubscriptionHub() {
            @Override
            public boolean idle() {
                return false;
            }

            @Override
            public void deliver(ChangeBatch batch) {
                String transaction = batch.now.session().createNativeQuery("select current_setting('transaction_read_only')"
                        + " || ' ' || current_setting('transaction_isolation')", String.class).getSingleResult();
                batch.changed.values().forEach(rows -> rows.values().forEach(row -> {
                    boolean managed = ((ManagedEntity) row.entity()).$$_hibernate_getEntityEntry() != null;
                    seen.add(row.entity().uid + " " + transaction + " managed " + managed + " transaction " + QuarkusTransaction.isActive());
                }));
            }

            @Override
            public void resyncAll(String cursor) {
            }
        }, SubscriptionHub.class);
        tailer.readBatch(); // whatever came before
        seen.clear();
        String user = Demo.user("ReadOnly-" + Demo.uid(), null);
        tailer.readBatch();
        assertFalse(seen.isEmpty(), "the batch held the new user");
        assertTrue(seen.stream().anyMatch(s -> s.startsWith(UUID.fromString(user) + " ")), seen::toString);
        seen.forEach(s -> assertEquals(s.substring(0, s.indexOf(' ')) + " on repeatable read managed false transaction false", s));
    }
}
