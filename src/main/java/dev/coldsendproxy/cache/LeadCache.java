package dev.coldsendproxy.cache;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

import jakarta.inject.Singleton;

/**
 * Lead answers in a bounded Caffeine cache, kept past their TTL for stale serving, with
 * concurrent loads of one key coalesced into a single loader call.
 *
 * <p>Caffeine's {@code AsyncCache} only coalesces loads of <em>absent</em> keys; here a stale
 * copy must stay readable (for stale-if-error and refresh-ahead) while its replacement loads, so
 * loads are coalesced in a small in-flight map and committed to the cache when they succeed. A
 * failed load stores nothing: errors are never cached.
 *
 * <p>{@code @Singleton}, not {@code @ApplicationScoped}: a fresh hit calls it, and a client proxy's
 * context lookup on every call was 2 % of the event loop's busy time (docs/benchmarks.md).
 */
@Singleton
public class LeadCache {

    private final Cache<LeadKey, CachedLead> entries;
    private final ConcurrentHashMap<LeadKey, CompletableFuture<CachedLead>> loading = new ConcurrentHashMap<>();
    private final Ticker ticker;
    private final long ttlNanos;
    private final long notFoundTtlNanos;
    private final long staleNanos;
    private final long keepNanos;

    public LeadCache(CacheConfig config, Ticker ticker) {
        this.ticker = ticker;
        this.ttlNanos = positive("proxy.cache.ttl", config.ttl().toNanos());
        this.notFoundTtlNanos = positive("proxy.cache.not-found-ttl", config.notFoundTtl().toNanos());
        this.staleNanos = notNegative("proxy.cache.stale-if-error", config.staleIfError().toNanos());
        this.keepNanos = Math.max(staleNanos, notNegative("proxy.cache.keep", config.keep().toNanos()));
        long maxBytes = positive("proxy.cache.max-bytes", config.maxBytes());
        this.entries = Caffeine.newBuilder()
                .ticker(ticker)
                // Maintenance (replaying reads into the eviction policy) on the thread that filled
                // the read buffer, under a try-lock that never waits: handing it to the common pool
                // woke a pool thread ~4,000 times a second under hot-hit load and took CPU from the
                // event loop on a 2-core machine (docs/benchmarks.md).
                .executor(Runnable::run)
                .maximumWeight(maxBytes)
                .weigher((LeadKey key, CachedLead lead) -> lead.weight())
                .expireAfter(new KeptUntilKeepEnds())
                .recordStats()
                .build();
    }

    /** The stored answer for a key, fresh or stale, or {@code null}; lock-free. */
    public CachedLead peek(LeadKey key) {
        return entries.getIfPresent(key);
    }

    /** Whether the entry is still within its TTL (a hit), rather than only kept for emergencies. */
    public boolean isFresh(CachedLead lead) {
        return isFresh(lead, ticker.read());
    }

    /** {@link #isFresh(CachedLead)} at {@code now} (a {@link #now()} reading), so a hit reads the clock once. */
    public boolean isFresh(CachedLead lead, long now) {
        return now - lead.fetchedAtNanos() < freshNanos(lead);
    }

    /**
     * How much longer (nanoseconds) the copy stays fresh at {@code now}; zero or negative once it
     * is stale, and then minus how long it has been stale.
     */
    public long freshFor(CachedLead lead, long now) {
        return lead.fetchedAtNanos() + freshNanos(lead) - now;
    }

    /** How old past its TTL an answer may be served when nothing else is said ({@code stale-if-error}). */
    public long staleIfErrorNanos() {
        return staleNanos;
    }

    /** Whole seconds since the upstream produced this answer, for the {@code Age} header. */
    public long ageSeconds(CachedLead lead) {
        return ageSeconds(lead, ticker.read());
    }

    /** {@link #ageSeconds(CachedLead)} at {@code now} (a {@link #now()} reading). */
    public long ageSeconds(CachedLead lead, long now) {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(now - lead.fetchedAtNanos()));
    }

    /** The cache's clock, in nanoseconds: the time base of TTLs, ages and quota windows. */
    public long now() {
        return ticker.read();
    }

    /**
     * Loads the key once however many callers ask at the same time: the first caller's loader
     * runs, the others share its outcome. A successful answer is stored before anyone sees it,
     * dated {@link Fetched#ageNanos()} in the past so a copy from elsewhere keeps its true age.
     *
     * @return the shared outcome (a copy, so one caller cancelling cannot cancel the others) and
     *         whether this caller's loader ran
     */
    public Load load(LeadKey key, Supplier<? extends CompletionStage<Fetched>> loader) {
        return load(key, null, loader);
    }

    /**
     * As {@link #load(LeadKey, Supplier)}, for a caller that saw {@code seen} (stale, or null when
     * absent): if a fresh answer was stored after it looked (a load that finished in between), that
     * answer is shared instead of calling Coldsend again.
     */
    public Load load(LeadKey key, CachedLead seen, Supplier<? extends CompletionStage<Fetched>> loader) {
        CompletableFuture<CachedLead> created = new CompletableFuture<>();
        CompletableFuture<CachedLead> shared = loading.putIfAbsent(key, created);
        if (shared != null) {
            return new Load(shared.copy(), false);
        }
        CachedLead current = entries.getIfPresent(key);
        if (current != null && current != seen && isFresh(current)) {
            loading.remove(key, created);
            created.complete(current);
            return new Load(created.copy(), false);
        }
        CompletionStage<Fetched> started;
        try {
            started = loader.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((fetched, failure) -> {
            if (failure == null) {
                long fetchedAt = ticker.read() - Math.max(0, fetched.ageNanos());
                CachedLead lead = new CachedLead(fetched.status(), fetched.body(), fetchedAt);
                entries.put(key, lead);
                loading.remove(key, created);
                created.complete(lead);
            } else {
                loading.remove(key, created);
                created.completeExceptionally(failure);
            }
        });
        return new Load(created.copy(), true);
    }

    /** Drops one lead (its next request goes upstream). */
    public void invalidate(LeadKey key) {
        entries.invalidate(key);
    }

    /** Drops every lead of one campaign. */
    public long invalidateCampaign(String campaignId) {
        long before = entries.estimatedSize();
        entries.asMap().keySet().removeIf(key -> key.campaignId().equals(campaignId));
        return Math.max(0, before - entries.estimatedSize());
    }

    /** Drops everything. */
    public void invalidateAll() {
        entries.invalidateAll();
    }

    /** Entry count, body bytes held and Caffeine's counters, for admin and metrics. */
    public Snapshot snapshot() {
        entries.cleanUp();
        long bytes = entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0L)).orElse(0L);
        return new Snapshot(entries.estimatedSize(), bytes, entries.stats());
    }

    /** The underlying cache, for Caffeine's Micrometer binder and the spare-budget refresher's walk. */
    public Cache<LeadKey, CachedLead> caffeine() {
        return entries;
    }

    private long freshNanos(CachedLead lead) {
        return lead.status() == 200 ? ttlNanos : notFoundTtlNanos;
    }

    private static long positive(String property, long value) {
        if (value <= 0) {
            throw new ConfigurationException(property + " must be positive but was " + value);
        }
        return value;
    }

    private static long notNegative(String property, long value) {
        if (value < 0) {
            throw new ConfigurationException(property + " must not be negative but was " + value);
        }
        return value;
    }

    /** Outcome of {@link #load}: the shared result and whether this caller triggered it. */
    public record Load(CompletableFuture<CachedLead> result, boolean leader) {
    }

    /** Point-in-time view of the cache for operators. */
    public record Snapshot(long entries, long weightedBytes, CacheStats stats) {
    }

    /**
     * Keeps an entry until its TTL plus {@code keep} have passed since the upstream answered,
     * measured from the answer's own timestamp so that a re-store never extends a copy's life.
     */
    private final class KeptUntilKeepEnds implements Expiry<LeadKey, CachedLead> {

        @Override
        public long expireAfterCreate(LeadKey key, CachedLead lead, long currentTime) {
            long end = lead.fetchedAtNanos() + freshNanos(lead) + keepNanos;
            return Math.max(0, end - currentTime);
        }

        @Override
        public long expireAfterUpdate(LeadKey key, CachedLead lead, long currentTime, long currentDuration) {
            return expireAfterCreate(key, lead, currentTime);
        }

        @Override
        public long expireAfterRead(LeadKey key, CachedLead lead, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
