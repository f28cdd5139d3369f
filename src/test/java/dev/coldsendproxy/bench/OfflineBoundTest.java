package dev.coldsendproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The bound is exact where the optimum is known by hand and never below a brute-force optimum. */
class OfflineBoundTest {

    private static final long SECOND = 1_000;

    @Test
    void oneLeadEverySecondWithThreeFetchesAnswersThreeTtlSpans() {
        List<Ask> asks = new ArrayList<>();
        for (long s = 0; s < 600; s++) {
            asks.add(new Ask(s * SECOND, "only", 7));
        }
        Trace trace = trace(600 * SECOND, asks, Map.of("only", 0L));

        OfflineBound.Result result = OfflineBound.compute(trace, 60 * SECOND, 100, 3);

        // 600 instants, so the popular-lead curve is used and must be exact here. A fetch at f
        // answers asks at f..f+60 s inclusive (61 asks); fetches at 0, 61, 122 s reach 183.
        assertThat(result.budget()).isEqualTo(3);
        assertThat(result.bound()).isEqualTo(183);
        assertThat(result.fetchesToAnswerAll()).isEqualTo(10);
    }

    @Test
    void singleFetchGoesToTheLeadWithMoreAsks() {
        List<Ask> asks = new ArrayList<>();
        for (long s = 0; s < 5; s++) {
            asks.add(new Ask(s * SECOND, "only", 1));
            if (s < 3) {
                asks.add(new Ask(s * SECOND, "only", 2));
            }
        }
        Trace trace = trace(60 * SECOND, asks, Map.of("only", 0L));

        OfflineBound.Result result = OfflineBound.compute(trace, 30 * SECOND, 100, 1);

        assertThat(result.bound()).isEqualTo(5);
        assertThat(result.fetchesToAnswerAll()).isEqualTo(2);
    }

    @Test
    void budgetCoveringEveryNeededFetchAnswersEveryAsk() {
        Trace trace = randomTrace(new Random(3), 40, 6, 3_600 * SECOND);
        OfflineBound.Result needed = OfflineBound.compute(trace, 30 * SECOND, 100, 1000);
        assertThat(needed.fetchesToAnswerAll()).isLessThanOrEqualTo(needed.budget());

        assertThat(needed.bound()).isEqualTo(needed.asks());
    }

    @Test
    void staleToleranceLetsOneFetchAnswerALaterAsk() {
        List<Ask> asks = List.of(new Ask(0, "tolerant", 1), new Ask(500 * SECOND, "tolerant", 1),
                new Ask(500 * SECOND, "strict", 1));
        Trace trace = trace(3_600 * SECOND, asks, Map.of("tolerant", 600 * SECOND, "strict", 0L));

        OfflineBound.Result result = OfflineBound.compute(trace, 30 * SECOND, 100, 1);

        // One fetch: at 0 answers both tolerant asks; at 500 s answers the two asks then. Never all three.
        assertThat(result.bound()).isEqualTo(2);
        assertThat(result.fetchesToAnswerAll()).isEqualTo(2);
    }

    @Test
    void budgetCountsEachAlignedHourAndItsMinutes() {
        assertThat(OfflineBound.budget(7_200 * SECOND, 100, 1000)).isEqualTo(2000);
        assertThat(OfflineBound.budget(90 * SECOND, 2, 1000)).isEqualTo(4);
        assertThat(OfflineBound.budget(3_690 * SECOND, 100, 1000)).isEqualTo(1200); // full hour + 2 minutes
    }

    @Test
    void neverBelowBruteForceOptimumOnSmallTraces() {
        Random random = new Random(42);
        for (int trial = 0; trial < 300; trial++) {
            Trace trace = randomGridTrace(random);
            long ttl = (1 + random.nextInt(3)) * 10 * SECOND;
            int perMinute = 1 + random.nextInt(2);
            int perHour = 1 + random.nextInt(4);

            long optimum = BruteForce.optimum(trace, ttl, perMinute, perHour, 10 * SECOND);
            OfflineBound.Result exact = OfflineBound.compute(trace, ttl, perMinute, perHour);
            OfflineBound.Result cheap = OfflineBound.compute(trace, ttl, perMinute, perHour, /* exactInstants= */ 0);

            assertThat(exact.bound()).as("trial %d: %s", trial, trace.asks()).isGreaterThanOrEqualTo(optimum);
            assertThat(cheap.bound()).as("trial %d: %s", trial, trace.asks()).isGreaterThanOrEqualTo(exact.bound());
        }
    }

    @Test
    void equalsBruteForceForOneLeadWhoseCurveIsConcave() {
        Random random = new Random(7);
        int checked = 0;
        for (int trial = 0; trial < 200; trial++) {
            Trace trace = randomGridTrace(random, 1);
            long ttl = 10 * SECOND;
            int perHour = 1 + random.nextInt(3);
            if (!concave(bestCurve(trace, ttl))) {
                continue;
            }
            long optimum = BruteForce.optimum(trace, ttl, 100, perHour, 10 * SECOND);

            OfflineBound.Result result = OfflineBound.compute(trace, ttl, 100, perHour);

            assertThat(result.bound()).as("trial %d: %s", trial, trace.asks()).isEqualTo(optimum);
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    private static boolean concave(long[] best) {
        for (int n = 1; n + 1 < best.length; n++) {
            if (2 * best[n] < best[n - 1] + best[n + 1]) {
                return false;
            }
        }
        return true;
    }

    private static long[] bestCurve(Trace trace, long ttl) {
        long[] times = trace.asks().stream().mapToLong(Ask::atMillis).toArray();
        long[] windows = trace.asks().stream().mapToLong(a -> ttl + trace.maxStaleMillis(a.consumer())).toArray();
        return new LeadDemand(times, windows).exactBest();
    }

    private static Trace randomGridTrace(Random random) {
        return randomGridTrace(random, 1 + random.nextInt(2));
    }

    /** Up to 7 asks on a 10 s grid within 3 minutes, consumers tolerating 0 or 20 s. */
    private static Trace randomGridTrace(Random random, int leads) {
        int count = 1 + random.nextInt(7);
        List<Ask> asks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            asks.add(new Ask(random.nextInt(18) * 10 * SECOND, random.nextBoolean() ? "strict" : "tolerant",
                    random.nextInt(leads)));
        }
        asks.sort(Comparator.comparingLong(Ask::atMillis));
        return trace(180 * SECOND, asks, Map.of("strict", 0L, "tolerant", 20 * SECOND));
    }

    private static Trace randomTrace(Random random, int count, int leads, long duration) {
        List<Ask> asks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            asks.add(new Ask((long) (random.nextDouble() * duration), "only", random.nextInt(leads)));
        }
        asks.sort(Comparator.comparingLong(Ask::atMillis));
        return trace(duration, asks, Map.of("only", 0L));
    }

    private static Trace trace(long duration, List<Ask> asks, Map<String, Long> maxStale) {
        Map<String, Profile> consumers = new java.util.HashMap<>();
        maxStale.forEach((name, stale) -> consumers.put(name, new Profile(1.0, "normal", stale)));
        return new Trace("test", "hand-made", duration, asks, consumers);
    }
}
