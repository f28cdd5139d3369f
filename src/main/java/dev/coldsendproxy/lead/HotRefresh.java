package dev.coldsendproxy.lead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.quota.QuotaGates;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Spends budget that would otherwise go unused keeping the most-asked leads fresh: every
 * {@code proxy.cache.hot-refresh-interval}, the copies about to expire that were asked at least
 * twice are refreshed, most-asked first, as many as the governor's spare units allow
 * ({@link QuotaGovernor#spareUnits()}), never below what cold misses need.
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
    private final long soon;
    private long timer = -1;

    HotRefresh(LeadService leads, QuotaGovernor quota, QuotaGates gates, Vertx vertx, CacheConfig config) {
        this.leads = leads;
        this.quota = quota;
        this.gates = gates;
        this.vertx = vertx;
        this.interval = config.hotRefreshInterval();
        this.soon = Math.max(SOON, config.ttl().toNanos() / 10);
    }

    void start(@Observes StartupEvent event) {
        if (!interval.isZero() && !interval.isNegative()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> round());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round; public so a replay on a manual clock can run rounds on its own time. Returns refreshes started. */
    public int round() {
        int units = Math.min(MAX_PER_ROUND, quota.spareUnits());
        if (units <= 0) {
            return 0;
        }
        long now = leads.now();
        List<Map.Entry<LeadKey, CachedLead>> soonStale = new ArrayList<>();
        for (Map.Entry<LeadKey, CachedLead> entry : leads.stored()) {
            CachedLead lead = entry.getValue();
            long freshFor = leads.freshFor(lead, now);
            if (lead.status() == 200 && lead.asks() >= 2 && freshFor > 0 && freshFor <= soon) {
                soonStale.add(entry);
            }
        }
        soonStale.sort(Comparator.comparingInt((Map.Entry<LeadKey, CachedLead> entry) -> entry.getValue().asks()).reversed());
        int started = 0;
        for (Map.Entry<LeadKey, CachedLead> entry : soonStale.subList(0, Math.min(units, soonStale.size()))) {
            leads.refreshWithSpare(entry.getKey(), entry.getValue(), gates.forSpare());
            started++;
        }
        return started;
    }
}
