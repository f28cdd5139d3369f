package dev.coldsendproxy.quota;

import com.github.benmanes.caffeine.cache.Ticker;

/** Builds the production {@link QuotaGovernor} outside CDI for the JMH benchmarks. */
public final class BenchQuota {

    private BenchQuota() {
    }

    /** Coldsend's real limits (100 a minute, 1,000 an hour), as a production proxy has them. */
    public static QuotaGovernor governor(Ticker ticker) {
        return new QuotaGovernor(new QuotaConfig() {
            @Override
            public int perMinute() {
                return 100;
            }

            @Override
            public int perHour() {
                return 1000;
            }

            @Override
            public double lowBudgetRatio() {
                return 0.2;
            }
        }, ticker);
    }
}
