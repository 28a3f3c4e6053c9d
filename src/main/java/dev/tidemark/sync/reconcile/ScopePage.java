package dev.tidemark.sync.reconcile;

import java.util.UUID;

/**
 * A page of a scope's live rows asked for instead of a reconcile: a large scope's first sync reads
 * the scope in uid order, page after page, then reconciles once with what it holds.
 *
 * @param size most rows of the page
 * @param after the uid the previous page ended at; null for the first page
 */
public record ScopePage(int size, UUID after) {
}
