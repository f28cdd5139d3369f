package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.Fetched;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.support.Configs;

/**
 * Replays a day of mixed traffic from three consumers (Zipf-distributed leads, a steady poller,
 * a bursty sync job, a dashboard on hot leads) through the real cache and governor on a fake
 * clock, with the route's decision order (fresh hit, low-budget stale, upstream, stale on refusal,
 * 429). Checks every sliding minute and hour against Coldsend's limits and writes a report to
 * {@code target/quota-simulation.md}.
 */
class DayOfTrafficSimulationTest {

    private static final int PER_MINUTE = 100;
    private static final int PER_HOUR = 1000;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong now = new AtomicLong(0);
    private final Random random = new Random(42);

    @Test
    void neverExceedsColdsendsLimitsOverADayOfMixedTraffic() throws IOException {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(PER_MINUTE, PER_HOUR), now::get);
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 64L << 20), now::get);
        Zipf billingLeads = new Zipf(10_000, 1.1, random);
        Zipf dashboardLeads = new Zipf(200, 0.8, random);
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (String consumer : new String[] { "billing", "crm-sync", "dashboard" }) {
            tallies.put(consumer, new Tally());
        }
        Deque<Long> sends = new ArrayDeque<>();
        long worstMinute = 0;
        long worstHour = 0;
        long upstream = 0;

        for (int second = 0; second < 86_400; second++) {
            now.set(second * SECOND);
            for (int i = 0; i < 2; i++) {
                upstream += serve(governor, cache, "billing", "lead-" + billingLeads.next(), tallies, sends);
            }
            if (second % 2 == 0) {
                upstream += serve(governor, cache, "dashboard", "hot-" + dashboardLeads.next(), tallies, sends);
            }
            if (second % 900 == 0) {
                for (int i = 0; i < 300; i++) {
                    upstream += serve(governor, cache, "crm-sync", "lead-" + random.nextInt(10_000), tallies, sends);
                }
            }
            worstMinute = Math.max(worstMinute, countSince(sends, now.get() - 60 * SECOND));
            worstHour = Math.max(worstHour, countSince(sends, now.get() - 3600 * SECOND));
            while (!sends.isEmpty() && sends.peekFirst() <= now.get() - 3600 * SECOND) {
                sends.removeFirst();
            }
        }

        String report = report(tallies, upstream, worstMinute, worstHour);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "quota-simulation.md"), report);
        System.out.println(report);

        assertThat(worstMinute).isLessThanOrEqualTo(PER_MINUTE);
        assertThat(worstHour).isLessThanOrEqualTo(PER_HOUR);
        assertThat(upstream).as("demand exceeds the key's budget all day, so most of it is used")
                .isGreaterThan(24L * PER_HOUR * 7 / 10);
        assertThat(tallies.values()).allSatisfy(tally -> assertThat(tally.fresh + tally.stale).isPositive());
    }

    /** The route's decision order; returns 1 when a request went upstream. */
    private int serve(QuotaGovernor governor, LeadCache cache, String consumer, String lead,
            Map<String, Tally> tallies, Deque<Long> sends) {
        Tally tally = tallies.get(consumer);
        LeadKey key = new LeadKey("campaign", lead);
        CachedLead stored = cache.peek(key);
        if (stored != null && cache.isFresh(stored)) {
            tally.fresh++;
            return 0;
        }
        if (stored != null && governor.budgetLow()) {
            tally.stale++;
            return 0;
        }
        Grant grant = governor.tryAcquire(consumer, 1.0 / 3);
        if (!grant.granted()) {
            if (stored != null) {
                tally.stale++;
            } else {
                tally.refused++;
            }
            return 0;
        }
        sends.addLast(now.get());
        cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, new byte[2048])));
        tally.fetched++;
        return 1;
    }

    private static long countSince(Deque<Long> sends, long since) {
        return sends.stream().filter(time -> time > since).count();
    }

    private static String report(Map<String, Tally> tallies, long upstream, long worstMinute, long worstHour) {
        StringBuilder out = new StringBuilder("# A simulated day through the quota governor\n\n")
                .append("Limits ").append(PER_MINUTE).append("/min, ").append(PER_HOUR).append("/h; cache TTL 30 s, stale window 10 min; ")
                .append("three consumers with equal shares.\n\n")
                .append("Upstream requests: ").append(upstream).append(" in the day; worst sliding minute ")
                .append(worstMinute).append(", worst sliding hour ").append(worstHour).append(".\n\n")
                .append("| consumer | requests | fresh (hit) | fetched | stale | 429 |\n|---|---|---|---|---|---|\n");
        tallies.forEach((consumer, tally) -> out.append("| ").append(consumer).append(" | ").append(tally.total())
                .append(" | ").append(percent(tally.fresh, tally)).append(" | ").append(percent(tally.fetched, tally))
                .append(" | ").append(percent(tally.stale, tally)).append(" | ").append(percent(tally.refused, tally))
                .append(" |\n"));
        return out.toString();
    }

    private static String percent(long count, Tally tally) {
        return String.format("%d (%.1f%%)", count, 100.0 * count / tally.total());
    }


    /** Outcomes of one consumer's requests. */
    private static final class Tally {
        long fresh;
        long fetched;
        long stale;
        long refused;

        long total() {
            return fresh + fetched + stale + refused;
        }
    }

    /** Zipf-distributed ranks 0..n-1 by inverse CDF over precomputed weights; seeded for repeatability. */
    private static final class Zipf {
        private final double[] cumulative;
        private final Random random;

        Zipf(int n, double exponent, Random random) {
            this.random = random;
            this.cumulative = new double[n];
            double sum = 0;
            for (int rank = 0; rank < n; rank++) {
                sum += 1 / Math.pow(rank + 1, exponent);
                cumulative[rank] = sum;
            }
            for (int rank = 0; rank < n; rank++) {
                cumulative[rank] /= sum;
            }
        }

        int next() {
            int index = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            return index >= 0 ? index : -index - 1;
        }
    }
}
