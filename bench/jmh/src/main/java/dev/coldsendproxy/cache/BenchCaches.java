package dev.coldsendproxy.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.support.Configs;

/**
 * Builds the production {@link LeadCache} outside CDI for the JMH benchmarks (same package, so
 * the package-private constructor is reachable without changing the proxy's code).
 */
public final class BenchCaches {

    private BenchCaches() {
    }

    /** A cache with the production defaults (30 s TTL, 10 s for 404, 10 min stale window, 64 MiB). */
    public static LeadCache leadCache(Ticker ticker) {
        return new LeadCache(config(), ticker);
    }

    /** The production defaults of {@link CacheConfig}: 30 s TTL, 64 MiB (the test fixture's other defaults match). */
    public static CacheConfig config() {
        return Configs.cache(Duration.ofSeconds(30), 64L * 1024 * 1024);
    }

    /** Stores one 200 answer through the cache's own load path, as a miss would. */
    public static void store(LeadCache cache, LeadKey key, byte[] body) {
        cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, body))).result().join();
    }
}
