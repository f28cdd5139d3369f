package dev.coldsendproxy.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import dev.coldsendproxy.quota.SharingConfig;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.smallrye.config.WithDefault;

/**
 * The proxy as shipped (default configuration, access lines on) with Coldsend's real limits and a
 * trace's consumers: each with a key, its share, priority and tolerance. Only what the trace
 * needs is set; every other setting keeps its default.
 */
public abstract class DayTraceProfile implements QuarkusTestProfile {

    /** The trace whose consumers this profile configures. */
    protected abstract Trace trace();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        // bench.per-minute: the key's minute as the proxy is told it (Coldsend still allows 100), to
        // measure spreading the hour (README "Spreading the hour").
        config.put("coldsend.quota.per-minute", System.getProperty("bench.per-minute", "100"));
        config.put("coldsend.quota.per-hour", "1000");
        // Spreading the hour as shipped (the test profile turns it off); bench.pace-window replays another window, 0s none.
        config.put("proxy.quota.pace-window", System.getProperty("bench.pace-window", shippedPaceWindow()));
        // The shipped upstream timeouts, not the test profile's longer ones (they set how long a
        // unit counts as in flight, and so how long past a window the key's windows count it).
        config.put("coldsend.http.attempt-timeout", "2s");
        config.put("coldsend.http.idle-timeout", "2s");
        config.put("coldsend.http.deadline", "5s");
        config.put("proxy.auth.mode", "keys");
        config.put("quarkus.log.console.json.enabled", "true");
        // The replay runs the spare-budget refresh's rounds itself, once a second of its own clock.
        config.put("proxy.cache.hot-refresh-interval", "0s");
        trace().consumers().forEach((name, profile) -> {
            String prefix = "proxy.consumers." + name + ".";
            config.put(prefix + "key-sha256", sha256(key(name)));
            config.put(prefix + "upstream-share", Double.toString(profile.share()));
            config.put(prefix + "priority", profile.priority());
            config.put(prefix + "max-stale", profile.maxStaleMillis() + "ms");
        });
        return config;
    }

    /** {@code proxy.quota.pace-window}'s default, as the mapping declares it. */
    static String shippedPaceWindow() {
        try {
            return SharingConfig.class.getMethod("paceWindow").getAnnotation(WithDefault.class).value();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

        /** The key {@code consumer} sends; test-only. */
    static String key(String consumer) {
        return "bench-" + consumer + "-TEST-ONLY-key";
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trace (a), consumers at today's tolerance. */
    public static final class CurrentTolerance extends DayTraceProfile {
        @Override
        protected Trace trace() {
            return Traces.a(false);
        }
    }

    /** Trace (a), billing and dashboard accepting day-old answers. */
    public static final class DayOld extends DayTraceProfile {
        @Override
        protected Trace trace() {
            return Traces.a(true);
        }
    }

    /** Trace (b), demand at 100 times the budget. */
    public static final class Hundredfold extends DayTraceProfile {
        @Override
        protected Trace trace() {
            return Traces.b();
        }
    }

    /** Trace (c), a critical consumer beside a background bulk job. */
    public static final class CriticalBesideBulk extends DayTraceProfile {
        @Override
        protected Trace trace() {
            return Traces.c();
        }
    }
}
