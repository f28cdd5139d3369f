package dev.coldsendproxy.support;

import java.time.Duration;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.quota.QuotaConfig;

/** Configuration objects for unit tests that build the cache or governor without Quarkus. */
public final class Configs {

    private Configs() {
    }

    /** The cache's defaults (404 TTL 10 s, stale-if-error 10 min, kept 24 h, no refresh-ahead) with this TTL and byte bound. */
    public static CacheConfig cache(Duration ttl, long maxBytes) {
        return new CacheConfig() {
            @Override
            public Duration ttl() {
                return ttl;
            }

            @Override
            public Duration notFoundTtl() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Duration staleIfError() {
                return Duration.ofMinutes(10);
            }

            @Override
            public Duration keep() {
                return Duration.ofHours(24);
            }

            @Override
            public boolean refreshAhead() {
                return false;
            }

            @Override
            public Duration hotRefreshInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }
        };
    }

    /** The key's budget with the default low-budget ratio (0.2). */
    public static QuotaConfig quota(int perMinute, int perHour) {
        return quota(perMinute, perHour, 0.2);
    }

    /** The key's budget with its low-budget ratio. */
    public static QuotaConfig quota(int perMinute, int perHour, double lowBudgetRatio) {
        return new QuotaConfig() {
            @Override
            public int perMinute() {
                return perMinute;
            }

            @Override
            public int perHour() {
                return perHour;
            }

            @Override
            public double lowBudgetRatio() {
                return lowBudgetRatio;
            }
        };
    }
}
