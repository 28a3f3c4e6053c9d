package dev.tidemark.sync.realtime.changelog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tidemark.sync.realtime.hub.SubscriptionHub;
import dev.tidemark.support.Demo;

/**
 * The tailer's read transaction writes nothing, so Hibernate keeps no loaded-state copy of the rows
 * it loads and does not flush (dirty-check every row) at its commit: its rows are read-only and its
 * flush mode manual while the listener decides the batch. The tailer thread is off; the test reads
 * the log on its own thread, with a listener that only looks.
 */
@QuarkusTest
@TestProfile(RowPassingThroughScopeTest.Profile.class)
class TailerReadOnlyTest {

    @Inject
    ChangeLogTailer tailer;

    @Inject
    EntityManager em;

    @Test
    void shouldLoadTheBatchRowsReadOnlyWithoutFlushingAtCommit() {
        List<String> seen = new ArrayList<>();
        QuarkusMock.installMockForType(new SubscriptionHub() {
            @Override
            public boolean idle() {
                return false;
            }

            @Override
            public void deliver(ChangeBatch batch) {
                Session session = em.unwrap(Session.class);
                batch.changed.values().forEach(rows -> rows.values().forEach(row -> {
                    seen.add(row.entity().uid + " read-only " + session.isReadOnly(row.entity()) + " flush "
                            + session.getHibernateFlushMode());
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
        seen.forEach(s -> assertEquals(s.substring(0, s.indexOf(' ')) + " read-only true flush " + FlushMode.MANUAL, s));
    }
}
