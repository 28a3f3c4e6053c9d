package dev.tidemark.demo;

import static dev.tidemark.support.SyncCall.change;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.GraphQLWs;
import dev.tidemark.support.SyncCall;
import dev.tidemark.sync.cursor.SyncCursor;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Changes applied by sync reach other clients live, cascades included: the seed's scenario as the
 * second window sees it. Window 1 syncs a group tombstone without its memberships' tombstones;
 * window 2, subscribed, gets the group's delete and one delete per membership.
 */
@QuarkusTest
class SyncRealtimeTest {

    @TestHTTPResource("/graphql")
    URI graphql;

    @Inject
    Db db;

    @Test
    void shouldPushEveryChangeASyncAppliesCascadesIncluded() {
        String ann = Demo.user("Ann", null);
        String bob = Demo.user("Bob", null);
        String group = Demo.group("Seed bug " + Demo.uid());
        String annIn = Demo.membership(ann, group);
        String bobIn = Demo.membership(bob, group);
        long groupVersion = db.count("select version from app_group where uid = ?::uuid", group);
        try (GraphQLWs window2 = GraphQLWs.connect(graphql)) {
            String groups = window2.subscribeReady("""
                    subscription($g: String!) { groupChanged(where: {uid: {eq: $g}}) { operation uid cursor } }""", "g", group);
            String memberships = window2.subscribeReady("""
                    subscription($g: String!) { userGroupChanged(where: {groupUid: {eq: $g}}) { operation uid row { deletedAt } } }""",
                    "g", group);
            String created = Demo.uid();
            String users = window2.subscribeReady("""
                    subscription($u: String!) { userChanged(where: {uid: {eq: $u}}) { operation uid } }""", "u", created);

            String deletedAt = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(30).toString();
            SyncCall.Result result = new SyncCall()
                    .scope("groups", null, Map.of(), List.of(change(group, groupVersion, "name", "x", "deletedAt", deletedAt)))
                    .scope("users", null, Map.of(), List.of(change(created, null, "name", "Made offline")))
                    .send();
            assertEquals(List.of(group), result.applied("groups"));

            JsonObject groupEvent = window2.event(groups);
            assertEquals("DELETE", groupEvent.getString("operation"));
            assertFalse(SyncCursor.decode(groupEvent.getString("cursor"), "cursor").xmin() < 0);
            Set<String> deletedMemberships = new HashSet<>();
            while (deletedMemberships.size() < 2) {
                JsonObject event = window2.event(memberships);
                if ("UPSERT".equals(event.getString("operation")) && Set.of(annIn, bobIn).contains(event.getString("uid"))) {
                    // a membership committed just before READY may still be delivered after it (at least once;
                    // its version makes it a no-op for a client): not what this test is about
                    continue;
                }
                assertEquals("DELETE", event.getString("operation"));
                deletedMemberships.add(event.getString("uid"));
            }
            assertEquals(Set.of(annIn, bobIn), deletedMemberships, "one delete per membership the cascade tombstoned");
            assertEquals("UPSERT", window2.event(users).getString("operation"));
            window2.expectNothing(memberships, Duration.ofMillis(1000));
        }
    }
}
