package dev.tidemark.sync.auth;

import java.security.PrivateKey;
import java.security.PublicKey;

import javax.crypto.SecretKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.tidemark.sync.config.TidemarkConfig;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The JWT parser Quarkus verifies HTTP bearer tokens with (and {@link TokenIdentities} WebSocket
 * tokens): SmallRye JWT's own, with a {@link VerifiedTokenCache} in front of {@link #parse(String)}
 * ({@code tidemark.auth.token-cache.*}). Every other method is SmallRye's, uncached.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class CachingJWTParser implements JWTParser {

    private final DefaultJWTParser verifier;
    private final VerifiedTokenCache cache;

    @Inject
    public CachingJWTParser(DefaultJWTParser verifier, TidemarkConfig config) {
        this.verifier = verifier;
        TidemarkConfig.Auth.TokenCache settings = config.auth().tokenCache();
        this.cache = new VerifiedTokenCache(settings.maxSize(), settings.maxAge().toMillis(), System::currentTimeMillis);
    }

    /** The cache, for tests. */
    public VerifiedTokenCache cache() {
        return cache;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        return cache.parse(token, verifier);
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
