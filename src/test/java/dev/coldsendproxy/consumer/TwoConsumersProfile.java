package dev.coldsendproxy.consumer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Key authentication with two consumers sharing a budget of 10 a minute equally; beta takes answers up to a day stale. */
public class TwoConsumersProfile implements QuarkusTestProfile {

    static final String ALPHA_KEY = "alpha-TEST-ONLY-consumer-key";
    static final String BETA_KEY = "beta-TEST-ONLY-consumer-key";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "proxy.auth.mode", "keys",
                "proxy.consumers.alpha.key-sha256", sha256(ALPHA_KEY),
                "proxy.consumers.beta.key-sha256", sha256(BETA_KEY),
                "proxy.consumers.beta.max-stale", "24h",
                "coldsend.quota.per-minute", "10",
                "coldsend.quota.per-hour", "100");
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
