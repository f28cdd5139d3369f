package dev.coldsendproxy.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Spans collected in memory ({@link InMemorySpans}) and handed over at once, key authentication
 * on, so tests can look for a consumer key in every span, and a budget of {@value #PER_MINUTE} a
 * minute, small enough for a test to see it refuse.
 */
public class TracingProfile implements QuarkusTestProfile {

    /** The one consumer's key; obviously fake. */
    public static final String CONSUMER_KEY = "tracing-TEST-ONLY-consumer-key";
    /** Upstream requests allowed in any minute. */
    public static final int PER_MINUTE = 10;

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemorySpans.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "proxy.auth.mode", "keys",
                "proxy.consumers.billing.key-sha256", sha256(CONSUMER_KEY),
                "coldsend.quota.per-minute", String.valueOf(PER_MINUTE),
                "coldsend.quota.per-hour", "100",
                "quarkus.otel.bsp.schedule.delay", "20ms");
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
