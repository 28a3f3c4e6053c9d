package dev.tidemark.sync.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.InvalidJwtException;

import dev.tidemark.sync.auth.TokenRefusedException.Reason;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.schema.Uuids;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Turns verified JWTs into {@link Identity}s: the subject is the user's uid, the admin group grants
 * every row. HTTP tokens are verified by Quarkus before the request reaches GraphQL; WebSocket
 * tokens (sent in {@code connection_init}) are verified here with the same keys and issuer. A
 * refused token is a {@link TokenRefusedException}: a fixed sentence and an error id for the
 * client, the verifier's text (which quotes the token's claims) in the log under that id.
 */
@ApplicationScoped
public class TokenIdentities {

    private static final Logger LOG = Logger.getLogger(TokenIdentities.class);

    @Inject
    JWTParser parser;

    @Inject
    TidemarkConfig config;

    /** Verifies a raw token (signature, issuer, expiry) and returns its identity. */
    public Identity verify(String token) {
        try {
            return of(parser.parse(token));
        } catch (ParseException e) {
            throw refused(expired(e) ? Reason.EXPIRED : Reason.INVALID, rootMessage(e));
        }
    }

    /** The identity of a token that was already verified. */
    public Identity of(JsonWebToken token) {
        boolean admin = token.getGroups() != null && token.getGroups().contains(config.auth().adminGroup());
        String subject = token.getSubject();
        UUID user = Uuids.isUuid(subject) ? UUID.fromString(subject) : null;
        if (user == null && !admin) {
            throw refused(Reason.SUBJECT_NOT_A_USER, "its subject (sub) is not a UUID: '" + subject + "'");
        }
        Instant expiresAt = token.getExpirationTime() > 0 ? Instant.ofEpochSecond(token.getExpirationTime()) : null;
        return new Identity(user, admin, expiresAt);
    }

    /**
     * The bearer token of a connection: {@code Authorization} (or {@code authorization}, or
     * {@code token}) in the {@code connection_init} payload, as browsers cannot set headers on a
     * WebSocket, else the upgrade request's {@code Authorization} header.
     */
    public static String bearer(JsonObject payload, String upgradeHeader) {
        String value = null;
        if (payload != null) {
            for (String key : new String[] { "Authorization", "authorization", "token" }) {
                if (payload.get(key) instanceof JsonString text && !text.getString().isBlank()) {
                    value = text.getString();
                    break;
                }
            }
        }
        if (value == null) {
            value = upgradeHeader;
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.strip();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : value;
    }

    /** Logs why (the verifier's text, which quotes claims) under a new error id; the client gets the id and a fixed sentence. */
    private static TokenRefusedException refused(Reason reason, String details) {
        String errorId = UUID.randomUUID().toString().substring(0, 8);
        LOG.infof("Token refused (%s) [error id %s]: %s", reason.sentence, errorId, details);
        return new TokenRefusedException(reason, errorId);
    }

    private static boolean expired(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid && invalid.hasExpired()) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.length() > 2000 ? message.substring(0, 1997) + "..." : message;
    }
}
