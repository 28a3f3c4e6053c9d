package dev.tidemark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.tidemark.support.GraphQLWs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Kubernetes deployment run locally: the migration Job's mode ({@code TIDEMARK_MIGRATE_AND_EXIT})
 * migrates one PostgreSQL and exits; two replicas (packaged jar) start with migration off and
 * validation on, behind a round-robin TCP proxy (the Service). Clients on different replicas see
 * each other's writes and cascades; a replica killed (SIGKILL) mid-stream loses nothing for a
 * client that reconnects through the proxy to the other one, resubscribes and syncs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    static final String USERS = """
            subscription($p: String!) { userChanged(where: {name: {startsWith: $p}}) { operation uid version } }""";

    static EmbeddedPostgres postgres;
    static AppInstance a;
    static AppInstance b;
    static RoundRobinProxy proxy;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        int exit = migrateJob(url);
        assertEquals(0, exit, "the migration Job's mode migrates and exits 0; see target/it-migrate.log");
        a = replica("replica-A", url).start();
        b = replica("replica-B", url).start();
        proxy = new RoundRobinProxy(List.of(a.port(), b.port()));
        System.out.printf("[ReplicasIT] RSS idle after start: A %d MiB, B %d MiB (-Xmx256m)%n", a.rssKiB() / 1024, b.rssKiB() / 1024);
    }

    /** The Job of k8s/base/migrate-job.yaml. */
    static int migrateJob(String url) {
        return new AppInstance("migrate", url)
                .env("TIDEMARK_MIGRATE_AND_EXIT", "true")
                .env("QUARKUS_FLYWAY_MIGRATE_AT_START", "true")
                .env("TIDEMARK_REALTIME_ENABLED", "false")
                .env("QUARKUS_SCHEDULER_ENABLED", "false")
                .env("TIDEMARK_DATABASE_SOCKET_TIMEOUT_SECONDS", "0")
                .runToExit();
    }

    /** A replica as k8s/base/configmap.yaml configures it. */
    static AppInstance replica(String name, String url) {
        return new AppInstance(name, url)
                .env("QUARKUS_FLYWAY_MIGRATE_AT_START", "false")
                .env("QUARKUS_FLYWAY_VALIDATE_AT_START", "true");
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        for (AppInstance instance : new AppInstance[] { a, b }) {
            if (instance != null) {
                instance.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Order(1)
    void shouldNotStartAReplicaOnADatabaseTheJobHasNotMigrated() throws IOException {
        try (EmbeddedPostgres empty = EmbeddedPostgres.builder().start()) {
            int exit = replica("replica-unmigrated", empty.getJdbcUrl("postgres", "postgres")).runToExit();
            assertNotEquals(0, exit, "a replica validates and never migrates; see target/it-replica-unmigrated.log");
            String log = java.nio.file.Files.readString(java.nio.file.Path.of("target", "it-replica-unmigrated.log"));
            assertTrue(log.contains("FlywayValidateException"), "refused by Flyway's validation, not by something else");
        }
    }

    @Test
    @Order(2)
    void shouldShowClientsOnDifferentReplicasEachOthersWrites() {
        String prefix = "Both-" + UUID.randomUUID();
        try (GraphQLWs first = GraphQLWs.connect(proxy.graphql())) {
            int firstOn = proxy.lastBackend();
            try (GraphQLWs second = GraphQLWs.connect(proxy.graphql())) {
                assertNotEquals(firstOn, proxy.lastBackend(), "the proxy spreads connections over both replicas");
                String one = first.subscribeReady(USERS, "p", prefix);
                String two = second.subscribeReady(USERS, "p", prefix);
                String viaA = saveUser(a, prefix + " via A");
                String viaB = saveUser(b, prefix + " via B");
                for (GraphQLWs ws : List.of(first, second)) {
                    String id = ws == first ? one : two;
                    Set<String> seen = Set.of(ws.event(id).getString("uid"), ws.event(id).getString("uid"));
                    assertEquals(Set.of(viaA, viaB), seen);
                }
            }
        }
    }

    @Test
    @Order(3)
    void shouldDeliverACascadeOnReplicaAToASubscriberOfReplicaB() {
        String group = save(a, "saveGroup(input: {uid: $uid, name: \"Cascade\"})");
        String ann = saveUser(a, "Cascade Ann");
        String bob = saveUser(b, "Cascade Bob");
        String annIn = saveMembership(b, ann, group);
        String bobIn = saveMembership(a, bob, group);
        try (GraphQLWs ws = GraphQLWs.connect(b.graphql())) {
            String id = ws.subscribeReady("""
                    subscription($g: String!) { userGroupChanged(where: {groupUid: {eq: $g}}) { operation uid row { deletedAt } } }""",
                    "g", group);
            String response = a.post("mutation($uid: String!) { deleteGroup(uid: $uid) { uid } }", "{\"uid\":\"" + group + "\"}");
            assertTrue(response.contains(group), response);
            Set<String> tombstoned = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                JsonObject event = ws.event(id);
                assertEquals("DELETE", event.getString("operation"));
                assertNotNull(event.getJsonObject("row").getString("deletedAt"));
                tombstoned.add(event.getString("uid"));
            }
            assertEquals(Set.of(annIn, bobIn), tombstoned, "every membership tombstone of the group deleted on A");
        }
    }

    @Test
    @Order(4)
    void shouldLoseNothingWhenAReplicaIsKilledMidStreamAndTheClientReconnectsToTheOther() throws Exception {
        String prefix = "Killed-" + UUID.randomUUID();
        Map<String, Long> held = new ConcurrentHashMap<>(); // the client's cache: uid -> version
        GraphQLWs ws = GraphQLWs.connect(proxy.graphql());
        if (proxy.lastBackend() != b.port()) {
            ws.close();
            ws = GraphQLWs.connect(proxy.graphql());
        }
        assertEquals(b.port(), proxy.lastBackend(), "the client starts on replica B");
        List<String> written = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread writer;
        try (GraphQLWs onB = ws) {
            String id = onB.subscribeReady(USERS, "p", prefix);
            writer = new Thread(() -> {
                for (int i = 0; i < 60; i++) {
                    written.add(saveUser(a, prefix + " " + i));
                    AppInstance.sleep(20);
                }
            }, "writer");
            writer.start();
            while (held.size() < 10) {
                hold(held, onB.event(id));
            }
            b.kill(); // mid-stream: no 1012, no goodbye
            System.out.printf("[ReplicasIT] killed B after %d of 60 writes were delivered to its subscriber%n", held.size());
            JsonObject late;
            while ((late = onB.messageOrNull(id, Duration.ofMillis(300))) != null) {
                if ("next".equals(late.getString("type"))) {
                    hold(held, late.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged"));
                }
            }
        }
        try (GraphQLWs onA = GraphQLWs.connect(proxy.graphql())) {
            assertEquals(a.port(), proxy.lastBackend(), "the proxy skips the dead replica");
            String id = onA.subscribeReady(USERS, "p", prefix); // 1. resubscribe, READY
            StringBuilder heldList = new StringBuilder();
            held.forEach((uid, version) -> heldList.append(heldList.length() == 0 ? "" : ",").append('"').append(uid).append(':')
                    .append(version).append('"'));
            String sync = a.post("mutation($input: SyncInput!) { sync(input: $input) { users { upserts { uid version } drops } } }",
                    "{\"input\":{\"syncId\":\"" + UUID.randomUUID() + "\",\"users\":[{\"where\":{\"name\":{\"startsWith\":"
                            + AppInstance.quote(prefix) + "}},\"held\":[" + heldList + "]}]}}"); // 2. sync what it holds
            Matcher upsert = Pattern.compile("\"uid\":\"([0-9a-f-]{36})\",\"version\":(\\d+)").matcher(sync);
            int fromSync = 0;
            while (upsert.find()) {
                held.merge(upsert.group(1), Long.parseLong(upsert.group(2)), Math::max);
                fromSync++;
            }
            writer.join(30_000);
            Instant deadline = Instant.now().plusSeconds(15);
            while (!held.keySet().containsAll(written) && Instant.now().isBefore(deadline)) {
                JsonObject message = onA.messageOrNull(id, Duration.ofMillis(500));
                if (message != null) {
                    hold(held, message.getJsonObject("payload").getJsonObject("data").getJsonObject("userChanged"));
                }
            }
            assertEquals(60, written.size());
            Set<String> missing = new HashSet<>(written);
            missing.removeAll(held.keySet());
            assertEquals(Set.of(), missing, "every write reached the client: by events on B, the sync, or events on A");
            System.out.printf("[ReplicasIT] after the kill: %d rows from the sync, the rest as events on A; RSS of A %d MiB%n",
                    fromSync, a.rssKiB() / 1024);
        }
    }

    private static void hold(Map<String, Long> held, JsonObject event) {
        if (event.containsKey("uid") && !event.isNull("uid")) {
            held.merge(event.getString("uid"), event.getJsonNumber("version").longValue(), Math::max);
        }
    }

    static String save(AppInstance instance, String call) {
        String uid = UUID.randomUUID().toString();
        String response = instance.post("mutation($uid: String!) { " + call + " { uid } }", "{\"uid\":\"" + uid + "\"}");
        assertTrue(response.contains(uid), () -> "write failed: " + response);
        return uid;
    }

    private static String saveMembership(AppInstance instance, String user, String group) {
        return save(instance, "saveUserGroup(input: {uid: $uid, userUid: \"" + user + "\", groupUid: \"" + group + "\"})");
    }

    static String saveUser(AppInstance instance, String name) {
        return save(instance, "saveUser(input: {uid: $uid, name: " + AppInstance.quote(name) + "})");
    }
}
