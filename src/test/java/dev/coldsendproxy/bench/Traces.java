package dev.coldsendproxy.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The fixed demands the proxy is judged on; seeded, so every replay and every bound sees the same asks. */
public final class Traces {

    /** The proxy's default fresh TTL for a 200 answer: {@code proxy.cache.ttl}, see cache/CacheConfig (30s). */
    public static final long DEFAULT_TTL_MILLIS = 30_000;

    /** The proxy's default tolerance past the TTL (10 minutes), for consumers that say nothing else. */
    public static final long DEFAULT_MAX_STALE_MILLIS = 600_000;

    private static final long DAY_MILLIS = 86_400_000;
    private static final long HOUR_MILLIS = 3_600_000;

    private Traces() {}

    /**
     * A day of steady billing (2/s, Zipf 1.1 over 10,000 leads), dashboard (every 2 s, Zipf 0.8
     * over 200 leads) and a 300-ask crm-sync burst every 15 minutes; with {@code dayOldTolerance}
     * billing and dashboard accept a day-old answer, which is what lets the key keep up.
     */
    public static Trace a(boolean dayOldTolerance) {
        Random random = new Random(0xA11CE);
        Zipf billingLeads = new Zipf(10_000, 1.1);
        Zipf dashboardLeads = new Zipf(200, 0.8);
        List<Ask> asks = new ArrayList<>(244_800);
        for (long second = 0; second < DAY_MILLIS / 1000; second++) {
            long at = second * 1000;
            asks.add(new Ask(at, "billing", billingLeads.sample(random)));
            asks.add(new Ask(at, "billing", billingLeads.sample(random)));
            if (second % 2 == 0) {
                asks.add(new Ask(at, "dashboard", 100_000 + dashboardLeads.sample(random)));
            }
            if (second % 900 == 0) {
                for (int i = 0; i < 300; i++) {
                    asks.add(new Ask(at, "crm-sync", random.nextInt(10_000)));
                }
            }
        }
        long steady = dayOldTolerance ? DAY_MILLIS : DEFAULT_MAX_STALE_MILLIS;
        Map<String, Profile> consumers = Map.of(
                "billing", new Profile(1.0 / 3, "normal", steady),
                "crm-sync", new Profile(1.0 / 3, "normal", DEFAULT_MAX_STALE_MILLIS),
                "dashboard", new Profile(1.0 / 3, "normal", steady));
        String name = dayOldTolerance ? "a-day-old" : "a-current";
        String description = "24h: billing 2/s Zipf(10000,1.1), dashboard 1/2s Zipf(200,0.8), "
                + "crm-sync 300 uniform every 15 min; billing+dashboard tolerance "
                + (dayOldTolerance ? "1 day" : "10 min");
        return new Trace(name, description, DAY_MILLIS, asks, consumers);
    }

    /** Two hours at 100x the hour budget (one ask every 36 ms, Zipf 1.0 over 50,000 leads), so shedding is the test. */
    public static Trace b() {
        Random random = new Random(0xB0B);
        Zipf leads = new Zipf(50_000, 1.0);
        int count = 200_000;
        List<Ask> asks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            asks.add(new Ask(i * 36L, "bulk-" + (i % 3 + 1), leads.sample(random)));
        }
        Profile bulk = new Profile(1.0 / 3, "normal", DEFAULT_MAX_STALE_MILLIS);
        Map<String, Profile> consumers = Map.of("bulk-1", bulk, "bulk-2", bulk, "bulk-3", bulk);
        return new Trace("b-100x", "2h, 100,000 asks/h evenly (every 36 ms), Zipf(50000,1.0), "
                + "bulk-1..3 round-robin", 2 * HOUR_MILLIS, asks, consumers);
    }

    /**
     * Two hours of a critical consumer (every 6 s, Zipf 1.0 over 500 leads) beside a background
     * one (every 200 ms, uniform over 100,000 leads) that alone would drain the key.
     */
    public static Trace c() {
        Random random = new Random(0xC0FFEE);
        Zipf criticalLeads = new Zipf(500, 1.0);
        List<Ask> asks = new ArrayList<>(37_200);
        for (long at = 0; at < 2 * HOUR_MILLIS; at += 6_000) {
            asks.add(new Ask(at, "critical", 200_000 + criticalLeads.sample(random)));
        }
        for (long at = 0; at < 2 * HOUR_MILLIS; at += 200) {
            asks.add(new Ask(at, "background", 300_000 + random.nextInt(100_000)));
        }
        asks.sort(Comparator.comparingLong(Ask::atMillis)); // stable: critical first on ties
        Map<String, Profile> consumers = Map.of(
                "critical", new Profile(0.35, "critical", DEFAULT_MAX_STALE_MILLIS),
                "background", new Profile(0.65, "background", DEFAULT_MAX_STALE_MILLIS));
        return new Trace("c-critical-beside-bulk", "2h: critical 10/min Zipf(500,1.0), "
                + "background 5/s uniform over 100000 leads", 2 * HOUR_MILLIS, asks, consumers);
    }

    /** Every trace, in the order reports list them. */
    public static List<Trace> all() {
        return List.of(a(false), a(true), b(), c());
    }
}
