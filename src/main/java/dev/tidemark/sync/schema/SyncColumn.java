package dev.tidemark.sync.schema;

/**
 * One column of a synced table, as mapped by its entity field.
 *
 * @param field Java/GraphQL field name ({@code userUid})
 * @param column SQL column name ({@code user_uid})
 * @param type Java type of the field
 * @param nullable whether the column accepts null
 * @param system whether the server manages it (sync columns other than {@code uid})
 */
public record SyncColumn(String field, String column, Class<?> type, boolean nullable, boolean system) {
}
