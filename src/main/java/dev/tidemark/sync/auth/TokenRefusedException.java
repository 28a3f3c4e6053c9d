package dev.tidemark.sync.auth;

import dev.tidemark.sync.error.UnauthenticatedException;
import io.smallrye.graphql.api.ErrorCode;

/**
 * A bearer token the server will not act for. The message is a fixed sentence and an error id: what
 * the verifier said (its text quotes the token's claims) is logged under that id, never sent.
 */
@ErrorCode("UNAUTHENTICATED")
public class TokenRefusedException extends UnauthenticatedException {

    /** Why a token was refused, as the short sentence a client is shown (a WebSocket close reason fits 123 bytes). */
    public enum Reason {
        EXPIRED("token expired"),
        INVALID("invalid token"),
        SUBJECT_NOT_A_USER("token subject is not a user uid");

        public final String sentence;

        Reason(String sentence) {
            this.sentence = sentence;
        }
    }

    private final Reason reason;
    private final String errorId;

    TokenRefusedException(Reason reason, String errorId) {
        super(reason.sentence + " (error id " + errorId + "); get a new token from your issuer");
        this.reason = reason;
        this.errorId = errorId;
    }

    public Reason reason() {
        return reason;
    }

    /** The id the details were logged under. */
    public String errorId() {
        return errorId;
    }
}
