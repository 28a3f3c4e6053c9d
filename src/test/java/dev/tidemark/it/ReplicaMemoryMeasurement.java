package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tidemark.support.GraphQLWs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Not a test of the build (its name matches no test pattern, so {@code verify} never runs it): the
 * resident memory of one replica, as the Kubernetes resource limits are sized from it. Run it with
 * {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ReplicaMemoryMeasurement}:
 * the packaged jar migrated by the Job's mode, then 1,000 subscriptions over 10 connections and
 * 3,000 writes (100 deliveries each), printing the RSS idle, subscribed and at its peak.
 */
class ReplicaMemoryMeasurement {

    static EmbeddedPostgres postgres;
    static AppInstance replica;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        assertEquals(0, ReplicasIT.migrateJob(url), "the migration Job's mode migrates and exits 0");
        replica = ReplicasIT.replica("replica-memory", url).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (replica != null) {
            replica.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void measureMemoryUnderLoad() throws Exception {
        long idle = replica.rssKiB();
        List<GraphQLWs> sockets = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                GraphQLWs ws = GraphQLWs.connect(replica.graphql());
                sockets.add(ws);
                for (int s = 0; s < 100; s++) {
                    ws.subscribeReady(ReplicasIT.USERS, "p", "Load-" + (s % 10));
                }
            }
            long subscribed = replica.rssKiB();
            long peak = subscribed;
            for (int i = 0; i < 3000; i++) {
                ReplicasIT.saveUser(replica, "Load-" + (i % 10) + " " + i);
                if (i % 100 == 0) {
                    peak = Math.max(peak, replica.rssKiB());
                }
            }
            AppInstance.sleep(2000);
            peak = Math.max(peak, replica.rssKiB());
            System.out.printf("[ReplicaMemoryMeasurement] RSS idle %d MiB; with 1,000 subscriptions %d MiB; peak during 3,000 "
                    + "writes (100 deliveries each) %d MiB (-Xmx256m)%n", idle / 1024, subscribed / 1024, peak / 1024);
        } finally {
            sockets.forEach(GraphQLWs::close);
        }
    }
}
