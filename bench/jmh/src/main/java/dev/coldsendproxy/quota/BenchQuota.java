package dev.coldsendproxy.quota;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.support.Configs;

/** Builds the production {@link QuotaGovernor} outside CDI for the JMH benchmarks. */
public final class BenchQuota {

    private BenchQuota() {
    }

    /** Coldsend's real limits (100 a minute, 1,000 an hour), as a production proxy has them. */
    public static QuotaGovernor governor(Ticker ticker) {
        return new QuotaGovernor(Configs.quota(100, 1000), ticker);
    }
}
