package dev.tidemark.sync.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Refuses to start a server that could verify no token: without a verification key every request
 * would be refused, and an operator would only learn it from the clients. The migration Job mode
 * serves nothing and needs no key.
 */
@ApplicationScoped
public class AuthStartupCheck {

    private static final Logger LOG = Logger.getLogger(AuthStartupCheck.class);
    private static final String[] KEY_PROPERTIES = { "mp.jwt.verify.publickey", "mp.jwt.verify.publickey.location",
        "smallrye.jwt.verify.key.location" };

    @Inject
    TidemarkConfig config;

    @Inject
    Config mpConfig;

    void onStart(@Observes StartupEvent event) {
        if (config.migrateAndExit()) {
            return;
        }
        boolean hasKey = false;
        for (String key : KEY_PROPERTIES) {
            hasKey |= mpConfig.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
        }
        if (!hasKey && !config.auth().anonymousAccess()) {
            throw new IllegalStateException("No key to verify tokens with: set MP_JWT_VERIFY_PUBLICKEY_LOCATION (a PEM "
                    + "public key file or a JWKS URL of your identity provider) and MP_JWT_VERIFY_ISSUER, or "
                    + "TIDEMARK_AUTH_ANONYMOUS_ACCESS=true for a server that trusts every caller");
        }
        if (config.auth().anonymousAccess()) {
            LOG.warn("tidemark.auth.anonymous-access=true: requests without a token get full access to every row");
        }
    }
}
