package dev.tidemark.sync.auth;

import java.time.Instant;
import java.util.UUID;

/**
 * Who a request or a WebSocket connection acts for: the user uid of its token's subject, and
 * whether the token grants every row (the admin group). Row policies are evaluated for it.
 *
 * @param user the user's uid ({@code sub} claim); null only for an admin whose subject is not a uid
 * @param admin whether row policies are bypassed (the token's groups contain {@code tidemark.auth.admin-group},
 *        or anonymous access is configured)
 * @param expiresAt when the token expires; null when it does not (anonymous access)
 */
public record Identity(UUID user, boolean admin, Instant expiresAt) {

    /** What a request without a token acts as when {@code tidemark.auth.anonymous-access=true}. */
    public static final Identity ANONYMOUS_FULL_ACCESS = new Identity(null, true, null);

    /** A short, stable text for caches and logs: the same identity gives the same key. */
    public String key() {
        return admin ? "admin" : user.toString();
    }
}
