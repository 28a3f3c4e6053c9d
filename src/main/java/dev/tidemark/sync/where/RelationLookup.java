package dev.tidemark.sync.where;

import java.util.List;
import java.util.UUID;

import dev.tidemark.sync.schema.ParentRelation;
import dev.tidemark.sync.schema.SyncTable;

/** Where {@link RowMatcher} finds the rows a relation condition talks about. */
public interface RelationLookup {

    /** The parent row with this uid (live or not), or null when there is none. */
    RowImage parent(SyncTable target, UUID uid);

    /** The live rows of {@code child} whose {@code back} reference points at {@code parentUid}. */
    List<RowImage> liveChildren(SyncTable child, ParentRelation back, UUID parentUid);
}
