package dev.tidemark.sync.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Tokens already verified, so that a client sending the same bearer token on every request pays
 * the signature check once. Keyed by the exact token string: a token that differs in one character
 * (another user's, a tampered one) is a miss and goes to the verifier. An entry is served only
 * before the token's {@code exp} (the verifier's clock skew is never applied to a hit) and for at most
 * {@code maxAgeMillis} after it was verified (so that a key removed from the verification keys stops
 * its tokens within that time); tokens without {@code exp} are never kept. At most {@code maxSize}
 * entries, the least recently used evicted first; a size of 0 turns the cache off. Refusals are
 * never kept: an invalid token is verified (and refused) on every request.
 */
public final class VerifiedTokenCache {

    private record Entry(JsonWebToken token, long expiresAtMillis, long verifiedAtMillis) {
    }

    private final int maxSize;
    private final long maxAgeMillis;
    private final LongSupplier clockMillis;
    private final Map<String, Entry> entries;

    public VerifiedTokenCache(int maxSize, long maxAgeMillis, LongSupplier clockMillis) {
        this.maxSize = Math.max(0, maxSize);
        this.maxAgeMillis = maxAgeMillis;
        this.clockMillis = clockMillis;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > VerifiedTokenCache.this.maxSize;
            }
        };
    }

    /** The verified token for {@code raw}: from the cache while it may be, else from {@code verifier} (and kept). */
    public JsonWebToken parse(String raw, JWTParser verifier) throws ParseException {
        if (maxSize == 0 || raw == null) {
            return verifier.parse(raw);
        }
        long now = clockMillis.getAsLong();
        synchronized (entries) {
            Entry entry = entries.get(raw);
            if (entry != null) {
                if (now < entry.expiresAtMillis && now - entry.verifiedAtMillis < maxAgeMillis) {
                    return entry.token;
                }
                entries.remove(raw);
            }
        }
        JsonWebToken token = verifier.parse(raw);
        long expiresAtMillis = token.getExpirationTime() * 1000;
        if (token.getExpirationTime() > 0 && now < expiresAtMillis && raw.equals(token.getRawToken())) {
            synchronized (entries) {
                entries.put(raw, new Entry(token, expiresAtMillis, now));
            }
        }
        return token;
    }

    /** Whether {@code raw} is kept now (tests). */
    public boolean holds(String raw) {
        synchronized (entries) {
            return entries.containsKey(raw);
        }
    }

    /** How many tokens are kept now. */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
