package dev.tidemark.sync.reconcile;

import java.time.OffsetDateTime;

import dev.tidemark.sync.write.SyncedInput;

/**
 * What the engine reads of a table's change input (a row changed offline): the generated
 * {@code <Table>ChangeInput} implements it, so the contract is checked by the compiler.
 */
public interface ChangeInput {

    /** The version the change was based on; null for a row created offline. */
    Long baseVersion();

    /** When the client deleted the row offline; null if it did not. */
    OffsetDateTime deletedAt();

    /** The row's new values (the change input is a save input plus the two fields above). */
    SyncedInput values();
}
