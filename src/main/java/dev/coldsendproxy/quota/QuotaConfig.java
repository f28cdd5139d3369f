package dev.coldsendproxy.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Coldsend key's budget, as Coldsend grants it: one pool for every endpoint. */
@ConfigMapping(prefix = "coldsend.quota")
public interface QuotaConfig {

    /** Upstream requests allowed in any 60-second window, retries and refreshes included. Default 100. */
    @WithDefault("100")
    int perMinute();

    /** Upstream requests allowed in any 3600-second window. Default 1000. */
    @WithDefault("1000")
    int perHour();

    /**
     * Fraction (0..1) of either window's budget below which stale copies are served instead of
     * refreshed, so the rest goes to leads with no answer at all. Default 0.2.
     */
    @WithDefault("0.2")
    double lowBudgetRatio();
}
