package dev.tidemark.sync.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.UnauthenticatedException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The identity the current GraphQL operation acts for. Over HTTP it is the bearer token Quarkus
 * verified; over WebSocket the endpoint sets the connection's identity ({@link #actAs}) before it
 * executes an operation or renders an event. Without a token the operation is refused with
 * UNAUTHENTICATED, unless {@code tidemark.auth.anonymous-access} grants full access.
 */
@RequestScoped
public class Caller {

    @Inject
    SecurityIdentity security;

    @Inject
    TokenIdentities tokens;

    @Inject
    TidemarkConfig config;

    private Identity identity;

    /** Sets who the operations of this request context act for (a WebSocket connection's identity). */
    public void actAs(Identity identity) {
        this.identity = identity;
    }

    /** Who this operation acts for; throws UNAUTHENTICATED when nobody and anonymous access is off. */
    public Identity identity() {
        if (identity == null) {
            identity = fromHttp();
        }
        return identity;
    }

    private Identity fromHttp() {
        if (security != null && !security.isAnonymous() && security.getPrincipal() instanceof JsonWebToken token) {
            return tokens.of(token);
        }
        return anonymous(config);
    }

    /** What a request without a token gets: full access if configured, else an UNAUTHENTICATED error. */
    public static Identity anonymous(TidemarkConfig config) {
        if (config.auth().anonymousAccess()) {
            return Identity.ANONYMOUS_FULL_ACCESS;
        }
        throw new UnauthenticatedException("this operation needs a bearer token (HTTP header 'Authorization: Bearer "
                + "<token>', or {\"Authorization\": \"Bearer <token>\"} in the WebSocket connection_init payload)");
    }
}
