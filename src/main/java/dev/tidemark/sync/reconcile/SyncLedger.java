package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;

import dev.tidemark.sync.error.SyncIdReusedException;
import dev.tidemark.sync.write.SyncReason;

/**
 * Remembers each sync's outcome by its client-made id, in the sync's own transaction (I4). The
 * first sync with an id claims it (a concurrent duplicate waits on the primary key, then reads
 * the stored outcome); a replay gets the stored outcome and applies nothing. A sync that rolls
 * back leaves no claim, so its retry runs for real.
 */
@ApplicationScoped
public class SyncLedger {

    @Inject
    EntityManager em;

    /**
     * Empty when the id is new (now claimed), else the stored outcome of the earlier sync with this id.
     * {@code known}: the outcome when it is known before anything is applied (a sync without changes),
     * stored with the claim in the same statement, so no {@link #record} follows; null otherwise.
     */
    public Optional<List<ChangeResults>> claim(String syncId, String fingerprint, List<ChangeResults> known) {
        int inserted = em.createNativeQuery("insert into sync_request (sync_id, fingerprint, outcomes) values (:id, :fp, "
                + "cast(:outcomes as text)) on conflict (sync_id) do nothing")
                .setParameter("id", syncId).setParameter("fp", fingerprint)
                .setParameter("outcomes", known == null ? null : encode(known)).executeUpdate();
        if (inserted == 1) {
            return Optional.empty();
        }
        Object[] stored = (Object[]) em.createNativeQuery("select fingerprint, outcomes from sync_request where sync_id = :id")
                .setParameter("id", syncId).getSingleResult();
        if (!fingerprint.equals(stored[0])) {
            throw new SyncIdReusedException("input.syncId", "sync id '" + syncId + "' was already used for a sync with "
                    + "other changes; make a new id for every new sync, and reuse one only to retry the same sync");
        }
        return Optional.of(decode((String) stored[1]));
    }

    public void record(String syncId, List<ChangeResults> results) {
        em.createNativeQuery("update sync_request set outcomes = :outcomes where sync_id = :id")
                .setParameter("outcomes", encode(results)).setParameter("id", syncId).executeUpdate();
    }

    static String encode(List<ChangeResults> results) {
        JsonArrayBuilder scopes = Json.createArrayBuilder();
        for (ChangeResults result : results) {
            JsonArrayBuilder applied = Json.createArrayBuilder();
            result.applied().forEach(uid -> applied.add(uid.toString()));
            JsonArrayBuilder rejected = Json.createArrayBuilder();
            for (SyncRejection r : result.rejected()) {
                rejected.add(Json.createObjectBuilder().add("uid", r.uid).add("reason", r.reason.name())
                        .add("field", r.field == null ? JsonValue.NULL : Json.createValue(r.field)).add("message", r.message));
            }
            scopes.add(Json.createObjectBuilder().add("applied", applied).add("rejected", rejected));
        }
        return scopes.build().toString();
    }

    static List<ChangeResults> decode(String text) {
        List<ChangeResults> results = new ArrayList<>();
        JsonArray scopes = Json.createReader(new java.io.StringReader(text)).readArray();
        for (JsonObject scope : scopes.getValuesAs(JsonObject.class)) {
            ChangeResults result = ChangeResults.empty();
            scope.getJsonArray("applied").getValuesAs(jakarta.json.JsonString.class)
                    .forEach(uid -> result.applied().add(UUID.fromString(uid.getString())));
            for (JsonObject r : scope.getJsonArray("rejected").getValuesAs(JsonObject.class)) {
                result.rejected().add(new SyncRejection(r.getString("uid"), SyncReason.valueOf(r.getString("reason")),
                        r.isNull("field") ? null : r.getString("field"), r.getString("message")));
            }
            results.add(result);
        }
        return results;
    }
}
