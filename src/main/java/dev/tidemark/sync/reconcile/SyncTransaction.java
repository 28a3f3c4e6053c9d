package dev.tidemark.sync.reconcile;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.cursor.StampSource;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.time.ServerClock;

/**
 * One attempt at a sync (docs/design.md §3), in one transaction (I5): applies a client's offline changes
 * and tells it what to change so that, for every scope, it holds exactly the server's rows. A
 * failure anywhere (a constraint, a malformed row) writes nothing, not even the replay record.
 * {@link SyncService} retries it when the database aborts it for a deadlock.
 */
@ApplicationScoped
public class SyncTransaction {

    @Inject
    ChangeApplier applier;

    @Inject
    ScopeReader reader;

    @Inject
    SyncLedger ledger;

    @Inject
    StampSource stamps;

    @Inject
    ServerClock clock;

    @Inject
    TidemarkConfig config;

    @Inject
    EntityManager em;

    @Transactional
    public SyncOutcome run(SyncRequest request) {
        checkLimits(request);
        if (request.syncId() == null || request.syncId().isBlank() || request.syncId().length() > 200) {
            throw new InvalidInputException("input.syncId", "a sync needs a client-made id of 1 to 200 characters (a UUID is best)");
        }
        // A sync without changes (most reconnects) knows its outcome before it starts: the claim stores it, one
        // statement instead of two (claim, then record).
        List<ChangeResults> none = request.scopes().stream().allMatch(s -> s.changes().isEmpty())
                ? request.scopes().stream().map(s -> ChangeResults.empty()).toList() : null;
        Optional<List<ChangeResults>> stored = ledger.claim(request.syncId(), fingerprint(request, request.identity().key()), none);
        List<ChangeResults> results;
        if (stored.isPresent()) {
            results = stored.get();
        } else if (none != null) {
            results = none;
        } else {
            OffsetDateTime now = clock.now();
            results = applier.applyAll(request.scopes(), now, request.identity());
            ledger.record(request.syncId(), results);
        }
        // Cascades ran as bulk SQL: rows this sync loaded before them are stale in the persistence
        // context. Everything is flushed; read the scopes from the database, not from memory.
        em.flush();
        em.clear();
        // Taken after the writes and before the reads: every transaction older than it has ended,
        // so its changes are in what the reads below see.
        // The same snapshot watermark, with the database incarnation, stamps every scope (design §4,
        // "Reconnect from the change log").
        StampSource.Base base = stamps.current();
        List<ScopeOutcome> scopes = new ArrayList<>();
        for (int i = 0; i < request.scopes().size(); i++) {
            scopes.add(reader.read(request.scopes().get(i), results.get(i), base));
        }
        return new SyncOutcome(request.syncId(), base.cursor(), stored.isPresent(), scopes);
    }

    private void checkLimits(SyncRequest request) {
        int maxScopes = config.sync().maxScopes();
        if (request.scopes().size() > maxScopes) {
            throw new LimitExceededException("input", request.scopes().size() + " scopes are over the limit of " + maxScopes
                    + " (tidemark.sync.max-scopes); merge scopes with or-wheres");
        }
        long rows = request.scopes().stream().mapToLong(s -> s.held().size() + s.changes().size()
                + (s.digest() == null ? 0 : s.digest().buckets())).sum();
        int maxRows = config.sync().maxRows();
        if (rows > maxRows) {
            throw new LimitExceededException("input", rows + " client rows (held, changes and digest buckets) are over the limit of " + maxRows
                    + " (tidemark.sync.max-rows); sync the scopes in several calls");
        }
    }

    /**
     * A digest of who syncs and of the changes only: a replay must come from the same identity and
     * carry the same changes (its held rows may differ); another user's id is refused, not replayed.
     */
    static String fingerprint(SyncRequest request, String identity) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, "identity:" + identity);
            for (ScopeRequest scope : request.scopes()) {
                update(digest, "scope:" + scope.table().typeName() + ":" + scope.changes().size());
                for (ClientChange change : scope.changes()) {
                    update(digest, change.uid() + ":" + change.baseVersion() + ":" + change.deletedAt());
                    Field[] fields = change.values().getClass().getFields();
                    Arrays.sort(fields, Comparator.comparing(Field::getName));
                    for (Field field : fields) {
                        update(digest, field.getName() + "=" + field.get(change.values()));
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
