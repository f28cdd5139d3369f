package dev.coldsendproxy.quota;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How consumers share the one key's budget beyond their guarantees: what an idle consumer keeps
 * back from lending, and how long a cold ask may wait for a unit instead of a 429.
 */
@ConfigMapping(prefix = "proxy.quota")
public interface SharingConfig {

    /**
     * Fraction (0..1) of each consumer's guarantee ({@code upstream-share} of each window) that is
     * never lent, so a consumer coming back after idling is served at once from it. Default 0.1:
     * with three equal consumers, 3 units a minute and 33 an hour each, enough for a returning
     * consumer's first burst of misses, while two idle consumers keep back under 7% of the key.
     */
    @WithDefault("0.1")
    double holdback();

    /**
     * How long a cold ask (no copy the caller accepts) that the budget refuses waits for a unit
     * to free before it is answered 429; callers shorten or extend it with {@code Prefer: wait=N}
     * up to the request deadline. 0 turns waiting off. Default 2s.
     */
    @WithDefault("2s")
    Duration maxWait();

    /** Callers that may wait for a unit at once; beyond it, 429 at once. Default 256. */
    @WithDefault("256")
    int maxWaiters();
}
