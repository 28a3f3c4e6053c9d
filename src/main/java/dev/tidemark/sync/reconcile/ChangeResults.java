package dev.tidemark.sync.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What became of the client's changes in one scope: applied, or rejected with a reason. This is
 * what a replayed sync reports again without re-applying anything.
 *
 * @param applied uids applied
 * @param rejected uids refused or overridden, with reasons
 */
public record ChangeResults(List<UUID> applied, List<SyncRejection> rejected) {

    public static ChangeResults empty() {
        return new ChangeResults(new ArrayList<>(), new ArrayList<>());
    }
}
