package dev.coldsendproxy.lead;

import java.util.List;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;

/**
 * One walk over the whole cache for the spare-budget refresher: the 200 copies asked at least
 * twice that expire within {@code soon}, the most asked kept. Caffeine's own {@code forEach} walks
 * its table without making an entry object per copy, and only a round's worth of copies is held.
 */
final class SoonStale {

    private final LeadCache cache;
    private final long soonNanos;

    SoonStale(LeadCache cache, long soonNanos) {
        this.cache = cache;
        this.soonNanos = soonNanos;
    }

    /** At most {@code units} copies about to expire at {@code now}, most asked first. */
    List<MostAsked.Pick<LeadKey, CachedLead>> mostAsked(int units, long now) {
        MostAsked<LeadKey, CachedLead> most = new MostAsked<>(units);
        cache.caffeine().asMap().forEach((key, lead) -> {
            int asks = lead.asks();
            long freshFor = cache.freshFor(lead, now);
            if (lead.status() == 200 && asks >= 2 && freshFor > 0 && freshFor <= soonNanos) {
                most.offer(key, lead, asks);
            }
        });
        return most.mostAskedFirst();
    }
}
