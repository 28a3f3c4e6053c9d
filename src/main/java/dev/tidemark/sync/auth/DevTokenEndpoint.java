package dev.tidemark.sync.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.schema.Uuids;
import io.smallrye.jwt.build.Jwt;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /auth/dev-token?user=<uid>[&admin=true][&lifetime=<seconds>]}: a signed token for any
 * user, so the demo, GraphiQL and tests can act as someone without an identity provider ({@code lifetime}
 * shortens it, so a test can see a token expire mid-session). Served only when
 * {@code tidemark.auth.dev-tokens.enabled} (the dev and test profiles); in production tokens come
 * from the issuer whose public key is configured.
 */
@ApplicationScoped
public class DevTokenEndpoint {

    public static final String PATH = "/auth/dev-token";
    private static final Logger LOG = Logger.getLogger(DevTokenEndpoint.class);

    @Inject
    TidemarkConfig config;

    @ConfigProperty(name = "mp.jwt.verify.issuer", defaultValue = DevKeysConfigSourceFactory.DEV_ISSUER)
    String issuer;

    void route(@Observes Router router) {
        if (!config.auth().devTokens().enabled()) {
            return;
        }
        LOG.warnf("Dev tokens are served at %s: anyone reaching this server can act as any user "
                + "(tidemark.auth.dev-tokens.enabled; never in production)", PATH);
        router.post(PATH).blockingHandler(this::issue);
    }

    private void issue(RoutingContext context) {
        String userParam = context.request().getParam("user");
        boolean admin = "true".equalsIgnoreCase(context.request().getParam("admin"));
        if (userParam != null && !Uuids.isUuid(userParam)) {
            refuse(context, "user must be a UUID (the user's uid); got '" + userParam + "'");
            return;
        }
        Duration longest = config.auth().devTokens().lifetime();
        Duration lifetime = lifetime(context.request().getParam("lifetime"), longest);
        if (lifetime == null) {
            refuse(context, "lifetime must be a whole number of seconds from 1 to " + longest.toSeconds()
                    + " (tidemark.auth.dev-tokens.lifetime); got '" + context.request().getParam("lifetime") + "'");
            return;
        }
        UUID user = userParam == null ? UUID.randomUUID() : UUID.fromString(userParam);
        Instant expiresAt = Instant.now().plus(lifetime);
        String token = Jwt.issuer(issuer)
                .subject(user.toString())
                .upn(user.toString())
                .groups(admin ? Set.of(config.auth().adminGroup()) : Set.of())
                .expiresAt(expiresAt)
                .sign();
        context.response().putHeader("Content-Type", "application/json").end(Json.createObjectBuilder()
                .add("token", token)
                .add("user", user.toString())
                .add("admin", admin)
                .add("expiresAt", expiresAt.toString())
                .build().toString());
    }

    /** The requested lifetime (the configured one when absent); null when it is not 1 s to that one. */
    private static Duration lifetime(String seconds, Duration longest) {
        if (seconds == null) {
            return longest;
        }
        try {
            long value = Long.parseLong(seconds);
            return value >= 1 && value <= longest.toSeconds() ? Duration.ofSeconds(value) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void refuse(RoutingContext context, String message) {
        context.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                .end(Json.createObjectBuilder().add("error", message).build().toString());
    }
}
