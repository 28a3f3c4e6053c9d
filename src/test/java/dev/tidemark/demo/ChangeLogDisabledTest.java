package dev.tidemark.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.tidemark.support.Db;
import dev.tidemark.support.Demo;
import dev.tidemark.support.SyncCall;
import dev.tidemark.support.SyncCall.Result;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code tidemark.sync.log-reconnect=false} (docs/configuration.md): a stamped reconnect is compared
 * whole, reported as {@code fallback: DISABLED}, with the comparison's rows; the result still
 * carries a stamp, so turning the log back on needs nothing from clients.
 */
@QuarkusTest
@TestProfile(ChangeLogDisabledTest.LogReconnectOff.class)
class ChangeLogDisabledTest {

    public static class LogReconnectOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tidemark.sync.log-reconnect", "false");
        }
    }

    @Inject
    Db db;

    @Test
    void shouldCompareEveryStampedScopeWholeWhenDisabled() {
        db.clear();
        String ann = Demo.user("ann", "ann@x.io");
        String bob = Demo.user("bob", "bob@x.io");
        Result first = new SyncCall().scope("users", null, Map.of(), List.of()).send();
        assertEquals("NO_STAMP", first.fallback("users"));
        String stamp = first.stamp("users");
        String cid = Demo.user("cid", "cid@x.io");
        // The client holds nothing it reports: the comparison sends every live row, the log would send only cid.
        Result result = new SyncCall().scope("users", null, Map.of(), List.of()).stamp("users", stamp, null).send();
        assertEquals("COMPARISON", result.source("users"));
        assertEquals("DISABLED", result.fallback("users"));
        assertEquals(Set.of(ann, bob, cid), Set.copyOf(result.upsertUids("users")));
        assertEquals(true, result.stamp("users") != null, "the result is stamped all the same");
    }
}
