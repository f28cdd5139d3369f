package dev.coldsendproxy.lead;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.quota.QuotaGates;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Spends budget that would otherwise go unused keeping the most-asked leads fresh: every
 * {@code proxy.cache.hot-refresh-interval}, the copies about to expire that were asked at least
 * twice are refreshed, most-asked first, as many as the governor's spare units allow
 * ({@link QuotaGovernor#spareUnits()}), never below what cold misses need.
 *
 * <p>Finding them walks the whole cache (tens of thousands of copies at the default size), so the
 * timer hands the walk to a worker thread and only starts the refreshes back on its event loop: a
 * walk on the loop held every connection of that loop for its duration, once a second, and showed
 * in p99 (docs/benchmarks.md).
 */
@ApplicationScoped
public class HotRefresh {

    /** At most this many refreshes a round, so one round never spends a burst of the minute. */
    static final int MAX_PER_ROUND = 10;
    private static final long SOON = TimeUnit.SECONDS.toNanos(5);

    private final LeadService leads;
    private final QuotaGovernor quota;
    private final QuotaGates gates;
    private final Vertx vertx;
    private final Duration interval;
    private final LeadCache cache;
    private final SoonStale soonStale;
    /** Set while a timer's walk runs, so a slow walk skips the next tick instead of overlapping it. */
    private final AtomicBoolean walking = new AtomicBoolean();
    private long timer = -1;

    HotRefresh(LeadService leads, LeadCache cache, QuotaGovernor quota, QuotaGates gates, Vertx vertx,
            CacheConfig config) {
        this.leads = leads;
        this.cache = cache;
        this.quota = quota;
        this.gates = gates;
        this.vertx = vertx;
        this.interval = config.hotRefreshInterval();
        this.soonStale = new SoonStale(cache, Math.max(SOON, config.ttl().toNanos() / 10));
    }

    void start(@Observes StartupEvent event) {
        if (!interval.isZero() && !interval.isNegative()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** On the timer's event loop: the walk on a worker, then the refreshes back on this loop. */
    private void tick() {
        if (!walking.compareAndSet(false, true)) {
            return;
        }
        vertx.executeBlocking(this::pick, false)
                .onComplete(picked -> walking.set(false))
                .onSuccess(this::refresh);
    }

    /** One round on the caller's thread; public so a replay on a manual clock can run rounds on its own time. Returns refreshes started. */
    public int round() {
        return refresh(pick());
    }

    /** The often-asked copies about to expire, most asked first, as many as spare units allow. */
    List<MostAsked.Pick<LeadKey, CachedLead>> pick() {
        assert !Context.isOnEventLoopThread() : "the walk over the whole cache must not hold an event loop";
        int units = Math.min(MAX_PER_ROUND, quota.spareUnits());
        if (units <= 0) {
            return List.of();
        }
        return soonStale.mostAsked(units, cache.now());
    }

    private int refresh(List<MostAsked.Pick<LeadKey, CachedLead>> picked) {
        for (MostAsked.Pick<LeadKey, CachedLead> pick : picked) {
            leads.refreshWithSpare(pick.key(), pick.lead(), gates.forSpare());
        }
        return picked.size();
    }
}
