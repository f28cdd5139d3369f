package dev.coldsendproxy.cache;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long lead answers are trusted, kept for emergencies, and how much memory they may take. */
@ConfigMapping(prefix = "proxy.cache")
public interface CacheConfig {

    /** How long a 200 answer is served as fresh ({@code X-Cache: HIT}). Default 30s. */
    @WithDefault("30s")
    Duration ttl();

    /** How long a 404 answer is served as fresh. Default 10s. */
    @WithDefault("10s")
    Duration notFoundTtl();

    /**
     * How old past its TTL an answer may be served ({@code X-Cache: STALE}) when Coldsend fails
     * or the quota is spent, for callers that say nothing else. Default 10m; 0 turns default stale
     * serving off.
     */
    @WithDefault("10m")
    Duration staleIfError();

    /**
     * How long an answer is kept past its TTL at most, so that a caller that accepts an older
     * answer ({@code Cache-Control: max-stale}, or its consumer's {@code max-stale}) gets one
     * instead of a 429. Bounded by {@code max-bytes}: the least valuable copies go first. Default
     * 24h; never shorter than {@code stale-if-error}.
     */
    @WithDefault("24h")
    Duration keep();

    /**
     * Serve a stale copy at once and refresh it in the background (stale-while-revalidate)
     * instead of making the caller wait for the refresh. Default false.
     */
    @WithDefault("false")
    boolean refreshAhead();

    /**
     * How often budget that would otherwise go unused refreshes the most-asked leads shortly
     * before they expire (within the next 5 s, or a tenth of the TTL if longer), so their askers
     * keep getting fresh hits. Never spent below what cold misses need; 0 turns it off. Default 1s.
     */
    @WithDefault("1s")
    Duration hotRefreshInterval();

    /** Upper bound of cached body bytes (plus a small per-entry overhead). Default 64 MiB. */
    @WithDefault("67108864")
    long maxBytes();
}
