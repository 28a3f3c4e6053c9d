package dev.tidemark.support;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.json.Json;

import io.restassured.RestAssured;

import dev.tidemark.sync.auth.DevKeysConfigSourceFactory;

/**
 * Bearer tokens for tests, from the server's own {@code POST /auth/dev-token} (the dev and test
 * profiles serve it; the packaged instances of the ITs are started with it on and with
 * {@link #SERVER_KEYS}). The admin token is what the engine's feature tests act as; the policy
 * tests ask for user tokens.
 */
public final class Tokens {

    /** One key pair for the server processes the ITs start (prod profile: keys come from configuration). */
    public static final KeyPair SERVER_KEYS = newKeyPair();

    private static final Map<String, String> ADMIN = new ConcurrentHashMap<>();

    private Tokens() {
    }

    /** An admin token of the test server RestAssured points at. */
    public static String admin() {
        return admin(testServer());
    }

    /** A token acting as user {@code uid} on the test server. */
    public static String user(UUID uid) {
        return user(testServer(), uid);
    }

    public static String admin(URI server) {
        return ADMIN.computeIfAbsent(server.toString(), s -> issue(server, "admin=true"));
    }

    public static String user(URI server, UUID uid) {
        return issue(server, "user=" + uid);
    }

    /** The environment that makes a packaged instance (prod profile) verify and issue tokens with {@link #SERVER_KEYS}. */
    public static Map<String, String> serverEnvironment() {
        return Map.of(
                "MP_JWT_VERIFY_PUBLICKEY", DevKeysConfigSourceFactory.pem("PUBLIC KEY", SERVER_KEYS.getPublic().getEncoded()),
                "SMALLRYE_JWT_SIGN_KEY", DevKeysConfigSourceFactory.pem("PRIVATE KEY", SERVER_KEYS.getPrivate().getEncoded()),
                "MP_JWT_VERIFY_ISSUER", DevKeysConfigSourceFactory.DEV_ISSUER,
                "TIDEMARK_AUTH_DEV_TOKENS_ENABLED", "true");
    }

    /** {@code http://host:port} of the Quarkus test server. */
    public static URI testServer() {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port);
    }

    private static String issue(URI server, String query) {
        URI uri = server.resolve("/auth/dev-token?" + query);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("POST " + uri + " answered " + response.statusCode() + ": " + response.body());
            }
            return Json.createReader(new StringReader(response.body())).readObject().getString("token");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
