package dev.tidemark.sync.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/**
 * The verified-token cache in front of SmallRye JWT's real verifier (RS256, real keys): a kept token
 * is never served past its {@code exp} nor after its maximum age (so a removed key's tokens are
 * refused within it), another user's or a tampered token is never answered from another's entry,
 * refusals are not kept, and the size is bounded.
 */
class VerifiedTokenCacheTest {

    static final String ISSUER = "cache-test";
    static final KeyPair KEYS = keys();
    static final KeyPair OTHER_KEYS = keys();

    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    final AtomicInteger verified = new AtomicInteger();

    /** SmallRye's verifier trusting {@code keys}, no clock skew, counting what it verifies. */
    DefaultJWTParser verifier(KeyPair keys) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
        context.setClockSkew(0);
        return new DefaultJWTParser(context) {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                verified.incrementAndGet();
                return super.parse(token);
            }
        };
    }

    static String token(String subject, long expiresAtSecond) {
        return Jwt.issuer(ISSUER).subject(subject).groups(Set.of()).issuedAt(Instant.now().minusSeconds(10))
                .expiresAt(expiresAtSecond).sign(KEYS.getPrivate());
    }

    @Test
    void shouldVerifyATokenOnceAndServeItFromTheCacheUntilItsMaxAge() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60_000, clock::get);
        DefaultJWTParser verifier = verifier(KEYS);
        String token = token("alice", Instant.now().getEpochSecond() + 3600);
        JsonWebToken first = cache.parse(token, verifier);
        for (int i = 0; i < 5; i++) {
            assertSame(first, cache.parse(token, verifier));
        }
        assertEquals(1, verified.get(), "verified once");
        clock.addAndGet(60_000);
        assertEquals("alice", cache.parse(token, verifier).getSubject());
        assertEquals(2, verified.get(), "verified again once the entry is as old as max-age");
    }

    @Test
    void shouldRefuseAKeptTokenOnceItHasExpired() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 600_000, System::currentTimeMillis);
        DefaultJWTParser verifier = verifier(KEYS);
        long expiresAt = Instant.now().getEpochSecond() + 2;
        String token = token("alice", expiresAt);
        assertEquals("alice", cache.parse(token, verifier).getSubject());
        assertEquals("alice", cache.parse(token, verifier).getSubject());
        assertEquals(1, verified.get());
        Thread.sleep(Math.max(0, expiresAt * 1000 + 100 - System.currentTimeMillis()));
        assertThrows(ParseException.class, () -> cache.parse(token, verifier), "an expired token is refused, kept or not");
        assertEquals(0, cache.size(), "the expired entry is dropped");
    }

    @Test
    void shouldRefuseAKeptTokenWhoseKeyWasRemovedOnceItsMaxAgeHasPassed() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60_000, clock::get);
        String token = token("alice", Instant.now().getEpochSecond() + 3600);
        assertEquals("alice", cache.parse(token, verifier(KEYS)).getSubject());
        DefaultJWTParser rotated = verifier(OTHER_KEYS);
        clock.addAndGet(60_000);
        assertThrows(ParseException.class, () -> cache.parse(token, rotated), "verified again with the keys of now");
    }

    @Test
    void shouldNeverAnswerOneUsersTokenWithAnotherUsersEntry() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, 60_000, clock::get);
        DefaultJWTParser verifier = verifier(KEYS);
        long exp = Instant.now().getEpochSecond() + 3600;
        String alice = token("alice", exp);
        String bob = token("bob", exp);
        for (int round = 0; round < 3; round++) {
            assertEquals("alice", cache.parse(alice, verifier).getSubject());
            assertEquals("bob", cache.parse(bob, verifier).getSubject());
        }
        assertEquals(2, verified.get());
        // Bob's claims under Alice's signature, Alice's signature cut short, forged claims: refused, the kept tokens unchanged.
        String[] a = alice.split("\\.");
        String[] b = bob.split("\\.");
        assertThrows(ParseException.class, () -> cache.parse(a[0] + "." + b[1] + "." + a[2], verifier));
        assertThrows(ParseException.class, () -> cache.parse(alice.substring(0, alice.length() - 2), verifier));
        String forged = a[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"" + ISSUER + "\",\"sub\":\"mallory\",\"exp\":" + exp + "}").getBytes()) + "." + a[2];
        assertThrows(ParseException.class, () -> cache.parse(forged, verifier));
        assertEquals(2, cache.size(), "refusals are not kept");
        assertEquals("alice", cache.parse(alice, verifier).getSubject());
        assertEquals("bob", cache.parse(bob, verifier).getSubject());
    }

    @Test
    void shouldKeepAtMostMaxSizeTokensAndNoneWhenTheSizeIsZero() throws Exception {
        DefaultJWTParser verifier = verifier(KEYS);
        long exp = Instant.now().getEpochSecond() + 3600;
        VerifiedTokenCache cache = new VerifiedTokenCache(2, 60_000, clock::get);
        String[] tokens = { token(UUID.randomUUID().toString(), exp), token(UUID.randomUUID().toString(), exp),
            token(UUID.randomUUID().toString(), exp) };
        for (String token : tokens) {
            cache.parse(token, verifier);
        }
        assertEquals(2, cache.size());
        cache.parse(tokens[0], verifier);
        assertEquals(4, verified.get(), "the least recently used token was evicted and is verified again");

        VerifiedTokenCache off = new VerifiedTokenCache(0, 60_000, clock::get);
        off.parse(tokens[1], verifier);
        off.parse(tokens[1], verifier);
        assertEquals(6, verified.get(), "size 0: every parse verifies");
        assertEquals(0, off.size());
    }

    static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
