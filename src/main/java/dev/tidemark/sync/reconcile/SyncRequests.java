package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.cursor.ScopeStamp;
import dev.tidemark.sync.cursor.SyncCursor;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.InvalidInputException;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.policy.ScopeCompiler;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.schema.Uuids;
import dev.tidemark.sync.schema.Versions;
import dev.tidemark.sync.where.Condition;

/**
 * Turns a table's scope inputs ({@link ScopeInput}s: where, held rows, {@link ChangeInput}s) into
 * validated {@link ScopeRequest}s, each where limited to the caller's row policy. A malformed row
 * (invalid uid, a uid twice in one scope) refuses the whole sync before anything is written.
 */
@ApplicationScoped
public class SyncRequests {

    @Inject
    SyncRegistry registry;

    @Inject
    ScopeCompiler scopes;

    @Inject
    Caller caller;

    @Inject
    TidemarkConfig config;

    /** Starts a sync with the client's id and cutoff (null for a first sync), for the caller as it is now. */
    public SyncPlan plan(String syncId, String cutoff) {
        return new SyncPlan(this, syncId, cutoff == null ? null : SyncCursor.decode(cutoff, "input.cutoff"), caller.identity());
    }

    List<ScopeRequest> scopes(Class<? extends SyncedEntity> type, String path, List<? extends ScopeInput> inputs, Identity who) {
        List<ScopeRequest> scopes = new ArrayList<>();
        if (inputs == null) {
            return scopes;
        }
        SyncTable table = registry.table(type);
        for (int i = 0; i < inputs.size(); i++) {
            scopes.add(scope(table, inputs.get(i), path + "[" + i + "]", who));
        }
        return scopes;
    }

    private ScopeRequest scope(SyncTable table, ScopeInput input, String path, Identity who) {
        if (input == null) {
            throw new InvalidInputException(path, "null is not a scope; remove it from the list");
        }
        // 100k held rows are common: no per-row allocation beyond the two substrings, paths built only for errors.
        List<String> heldInputs = input.held == null ? List.of() : input.held;
        Map<UUID, Long> held = new LinkedHashMap<>(heldInputs.size() * 4 / 3 + 1);
        for (int i = 0; i < heldInputs.size(); i++) {
            String row = heldInputs.get(i);
            int colon = row == null ? -1 : row.lastIndexOf(':');
            String uidText = colon < 0 ? null : row.substring(0, colon);
            if (!Uuids.isUuid(uidText)) {
                throw new InvalidInputException(path + ".held[" + i + "]", "'" + row + "' is not \"<uid>:<version>\" "
                        + "with a canonical UUID (8-4-4-4-12 hexadecimal digits)");
            }
            UUID uid = UUID.fromString(uidText);
            if (held.put(uid, parseVersion(row.substring(colon + 1), path, i)) != null) {
                throw twice(uid, path + ".held[" + i + "]");
            }
        }
        HeldDigest digest = null;
        if (input.heldDigest != null) {
            if (!heldInputs.isEmpty()) {
                throw new InvalidInputException(path + ".heldDigest", "send the rows you hold either as held or as "
                        + "heldDigest, not both");
            }
            digest = HeldDigest.decode(input.heldDigest, path + ".heldDigest");
        }
        List<ClientChange> changes = new ArrayList<>();
        Set<UUID> changed = new HashSet<>();
        List<? extends ChangeInput> changeInputs = input.changes();
        for (int i = 0; changeInputs != null && i < changeInputs.size(); i++) {
            String rowPath = path + ".changes[" + i + "]";
            ChangeInput change = changeInputs.get(i);
            UUID uid = Uuids.parse(change.values().uid, rowPath + ".uid");
            if (held.containsKey(uid) || !changed.add(uid)) {
                throw twice(uid, rowPath + ".uid");
            }
            Long baseVersion = change.baseVersion();
            if (baseVersion != null) {
                Versions.require(baseVersion, rowPath + ".baseVersion");
            }
            changes.add(new ClientChange(uid, baseVersion, change.deletedAt(), change.values(), rowPath));
        }
        ScopePage page = page(input, held.isEmpty() && digest == null && changes.isEmpty(), path);
        Condition scope = scopes.compile(table, input.where(), path + ".where", who);
        ScopeStamp stamp = input.stamp == null ? null : ScopeStamp.decode(input.stamp, path + ".stamp");
        return new ScopeRequest(input.id, table, scope, held, digest, changes, page, stamp, Boolean.TRUE.equals(input.verify), path);
    }

    /** The page a scope asks for, or null; a paged scope is a read only (no held rows, digest or changes). */
    private ScopePage page(ScopeInput input, boolean readOnly, String path) {
        if (input.pageSize == null) {
            if (input.after != null) {
                throw new InvalidInputException(path + ".after", "after goes with pageSize; send both to ask for the next page");
            }
            return null;
        }
        int max = config.sync().maxPageSize();
        if (input.pageSize < 1) {
            throw new InvalidInputException(path + ".pageSize", "pageSize must be 1 or more");
        }
        if (input.pageSize > max) {
            throw new LimitExceededException(path + ".pageSize", "pageSize " + input.pageSize + " is over the limit of "
                    + max + " (tidemark.sync.max-page-size); ask for smaller pages");
        }
        if (!readOnly) {
            throw new InvalidInputException(path + ".pageSize", "a paged scope only reads: send its held rows and changes "
                    + "in the scope's reconcile (without pageSize) once its last page has come");
        }
        UUID after = input.after == null ? null : Uuids.parse(input.after, path + ".after");
        return new ScopePage(input.pageSize, after);
    }

    private static long parseVersion(String text, String path, int index) {
        String rowPath = path + ".held[" + index + "]";
        try {
            return Versions.require(Long.parseLong(text), rowPath);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(rowPath, "'" + (text.length() <= 32 ? text : text.substring(0, 29) + "...")
                    + "' is not a version (a whole number from 0 to " + Versions.MAX + ")");
        }
    }

    private static InvalidInputException twice(UUID uid, String path) {
        return new InvalidInputException(path, uid + " appears twice in this scope; send each row once, "
                + "in held if unchanged or in changes if changed");
    }
}
