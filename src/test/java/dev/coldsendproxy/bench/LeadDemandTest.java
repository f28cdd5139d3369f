package dev.coldsendproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The cheap curves used for popular leads must never fall below the exact one they stand in for. */
class LeadDemandTest {

    @Test
    void widestWindowCurveEqualsExactWhenEveryAskSharesOneWindow() {
        Random random = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            LeadDemand demand = randomDemand(random, /* mixedWindows= */ false);

            assertThat(demand.widestWindowBest()).as("trial %d", trial).containsExactly(demand.exactBest());
        }
    }

    @Test
    void cheapCurvesNeverFallBelowExactWithMixedWindows() {
        Random random = new Random(12);
        for (int trial = 0; trial < 500; trial++) {
            LeadDemand demand = randomDemand(random, /* mixedWindows= */ true);
            long[] exact = demand.exactBest();
            long[] widest = demand.widestWindowBest();

            for (int n = 1; n < exact.length; n++) {
                long widestAtN = n < widest.length ? widest[n] : demand.asks();
                assertThat(widestAtN).as("trial %d, n %d", trial, n).isGreaterThanOrEqualTo(exact[n]);
            }
            assertThat(demand.maxCoveredByOneFetch()).isEqualTo(exact[1]);
            assertThat(exact[exact.length - 1]).isEqualTo(demand.asks());
            assertThat(exact.length - 1).isEqualTo(demand.fetchesToCoverAll());
        }
    }

    private static LeadDemand randomDemand(Random random, boolean mixedWindows) {
        int count = 1 + random.nextInt(30);
        long[] times = new long[count];
        long[] windows = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = random.nextInt(200);
            windows[i] = mixedWindows ? random.nextInt(40) : 15;
        }
        Arrays.sort(times);
        return new LeadDemand(times, windows);
    }
}
