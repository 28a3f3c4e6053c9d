package dev.tidemark.sync.write;

/**
 * Why the server will not write a row: the reason code a client can act on, the input path it
 * is about, and a sentence for humans. Online writes turn it into a GraphQL error; sync reports it
 * per row and goes on with the others.
 *
 * @param reason reason code
 * @param field input path, or null
 * @param message what was wrong and what the client should do
 */
public record Refusal(SyncReason reason, String field, String message) {
}
