package dev.tidemark.sync.auth;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Gives the dev and test profiles a token key pair made at start-up, so that they verify (and,
 * with {@code POST /auth/dev-token}, sign) JWTs without any key file in the repository. Never in
 * another profile, and never when a verification key is configured.
 *
 * <p>One pair per JVM: Quarkus builds configuration several times, possibly in different class
 * loaders, so the pair is kept in system properties (as the embedded PostgreSQL's URL is).
 */
public class DevKeysConfigSourceFactory implements ConfigSourceFactory {

    static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String SIGN_KEY = "smallrye.jwt.sign.key";
    /** The issuer of the dev and test profiles' tokens. */
    public static final String DEV_ISSUER = "tidemark-dev";
    private static final String PUBLIC_PROPERTY = "dev.tidemark.dev-jwt-public";
    private static final String PRIVATE_PROPERTY = "dev.tidemark.dev-jwt-private";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        if (!devOrTest || profiles.contains("prod") || configured(context, profiles, PUBLIC_KEY)
                || configured(context, profiles, PUBLIC_KEY_LOCATION)) {
            return List.of();
        }
        String[] pair = keyPair();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PUBLIC_KEY, pair[0]);
        values.put(SIGN_KEY, pair[1]);
        if (!configured(context, profiles, ISSUER)) {
            values.put(ISSUER, DEV_ISSUER);
        }
        return List.of(new MapBackedConfigSource("tidemark-dev-jwt-keys", values, 150) {
        });
    }

    private static synchronized String[] keyPair() {
        if (System.getProperty(PUBLIC_PROPERTY) == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                System.setProperty(PUBLIC_PROPERTY, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                System.setProperty(PRIVATE_PROPERTY, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM cannot make RSA keys", e);
            }
        }
        return new String[] { System.getProperty(PUBLIC_PROPERTY), System.getProperty(PRIVATE_PROPERTY) };
    }

    /** A key as PEM text, the form {@code mp.jwt.verify.publickey} and {@code smallrye.jwt.sign.key} read. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static boolean configured(ConfigSourceContext context, List<String> profiles, String key) {
        for (String profile : profiles) {
            if (present(context.getValue("%" + profile + "." + key))) {
                return true;
            }
        }
        return present(context.getValue(key));
    }

    private static boolean present(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(150);
    }
}
