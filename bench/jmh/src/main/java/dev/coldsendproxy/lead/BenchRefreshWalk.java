package dev.coldsendproxy.lead;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;

/**
 * The spare-budget refresher's walk over the cache for the JMH benchmarks: the production
 * {@link SoonStale}, and the walk it replaced (87bc097's {@code HotRefresh.round}: Caffeine's entry
 * set, every candidate in a list, one sort) kept here only so the comparison can be run again.
 */
public final class BenchRefreshWalk {

    private final LeadCache cache;
    private final SoonStale soonStale;
    private final long soonNanos;

    public BenchRefreshWalk(LeadCache cache, long soonNanos) {
        this.cache = cache;
        this.soonStale = new SoonStale(cache, soonNanos);
        this.soonNanos = soonNanos;
    }

    /** The walk as shipped; returns how many copies it picked. */
    public int walk(int units, long now) {
        return soonStale.mostAsked(units, now).size();
    }

    /** The walk as it was before 3 December; returns how many copies it picked. */
    public int walkAsBefore(int units, long now) {
        List<Map.Entry<LeadKey, CachedLead>> candidates = new ArrayList<>();
        for (Map.Entry<LeadKey, CachedLead> entry : cache.caffeine().asMap().entrySet()) {
            CachedLead lead = entry.getValue();
            long freshFor = cache.freshFor(lead, now);
            if (lead.status() == 200 && lead.asks() >= 2 && freshFor > 0 && freshFor <= soonNanos) {
                candidates.add(entry);
            }
        }
        candidates.sort(Comparator.comparingInt((Map.Entry<LeadKey, CachedLead> entry) -> entry.getValue().asks()).reversed());
        return candidates.subList(0, Math.min(units, candidates.size())).size();
    }
}
