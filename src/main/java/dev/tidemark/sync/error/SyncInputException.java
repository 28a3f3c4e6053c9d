package dev.tidemark.sync.error;

/**
 * A client error: bad input or a refused write. Its message says what was wrong and what to do;
 * {@link #field()} names the input path ({@code where.memberships.some.groupUid.eq}). Thrown inside
 * a transaction, it rolls everything back, so a refused request writes nothing.
 *
 * <p>The GraphQL error carries {@code extensions.code} (from the subclass's {@code @ErrorCode}) and
 * {@code extensions.field}.
 */
public abstract class SyncInputException extends RuntimeException {

    private final String field;

    protected SyncInputException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
