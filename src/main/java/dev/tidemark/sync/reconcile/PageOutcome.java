package dev.tidemark.sync.reconcile;

import java.util.UUID;

/**
 * What a page of a paged scope says besides its rows.
 *
 * @param more whether live rows of the scope follow this page
 * @param nextAfter the uid this page ended at (the client's cursor for the next page); null for an empty page
 * @param total the scope's live rows when the first page was read; null for later pages
 */
public record PageOutcome(boolean more, UUID nextAfter, Integer total) {
}
