package dev.tidemark.sync.auth;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.UnauthenticatedException;
import dev.tidemark.sync.where.WhereParser;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Turns verified JWTs into {@link Identity}s: the subject is the user's uid, the admin group grants
 * every row. HTTP tokens are verified by Quarkus before the request reaches GraphQL; WebSocket
 * tokens (sent in {@code connection_init}) are verified here with the same keys and issuer.
 */
@ApplicationScoped
public class TokenIdentities {

    @Inject
    JWTParser parser;

    @Inject
    TidemarkConfig config;

    /** Verifies a raw token (signature, issuer, expiry) and returns its identity. */
    public Identity verify(String token) {
        try {
            return of(parser.parse(token));
        } catch (ParseException e) {
            throw new UnauthenticatedException("the token was refused (" + rootMessage(e)
                    + "); get a new one from your issuer");
        }
    }

    /** The identity of a token that was already verified. */
    public Identity of(JsonWebToken token) {
        boolean admin = token.getGroups() != null && token.getGroups().contains(config.auth().adminGroup());
        String subject = token.getSubject();
        UUID user = WhereParser.isUuid(subject) ? UUID.fromString(subject) : null;
        if (user == null && !admin) {
            throw new UnauthenticatedException("the token's subject (sub) must be the user's uid, a UUID; got '"
                    + subject + "'");
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

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.length() > 200 ? message.substring(0, 197) + "..." : message;
    }
}
