package dev.coldsendproxy.quota;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How consumers share the one key's budget beyond their guarantees: what an idle consumer keeps
 * back from lending, how long a cold ask may wait for a unit instead of a 429, and how a new
 * process spends before it knows what the one before it spent.
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

    /**
     * Without the Redis tier, whether a new process sends one request at a time until Coldsend's
     * first answer, whose {@code X-RateLimit-Remaining} tells what the process before it left of the
     * key's windows (each such request counts as in flight for {@code coldsend.http.attempt-timeout}
     * plus 100 ms, should no answer come). Off, a restart may send up to the bulkhead's 16 requests
     * into a spent window. Ignored with the Redis tier, whose windows outlive a replica. Default true.
     */
    @WithDefault("true")
    boolean oneUntilFirstAnswer();

    /**
     * Spreads the hour: in any window of this length, consumers that are not {@code critical} and
     * spare-budget refreshes spend together at most {@code per-hour} times the window's part of an
     * hour, with room for the units' time in flight and the holdbacks (111 of 1,000 in 6 minutes),
     * shared by their shares as the key's windows are. When demand exceeds the hour all day, copies
     * then keep coming through the hour instead of all in its first minutes (README "Getting the
     * most from one key", item 5). A {@code critical} consumer is never paced.
     * With the Redis tier each replica paces {@code 1/expected-replicas} of it. More than 1m and
     * less than 1h; 0s turns pacing off. Default 6m: of the windows replayed on the day traces
     * (3, 6, 10 and 15 minutes), the one that answered most when demand exceeds the hour all day.
     */
    @WithDefault("6m")
    Duration paceWindow();
}
