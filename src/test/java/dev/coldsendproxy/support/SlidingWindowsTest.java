package dev.coldsendproxy.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The window checker the cluster tests rely on, checked on times small enough to count by hand. */
class SlidingWindowsTest {

    private static final Duration TEN = Duration.ofNanos(10);

    @Test
    void findsNoWindowInNoSends() {
        assertThat(SlidingWindows.busiest(List.of(), TEN).count()).isZero();
    }

    @Test
    void findsTheBusiestWindowWhereverItStarts() {
        SlidingWindows.Busiest busiest = SlidingWindows.busiest(List.of(35L, 0L, 27L, 3L, 20L, 50L, 24L, 29L), TEN);

        assertThat(busiest).isEqualTo(new SlidingWindows.Busiest(4, 20, 29));
    }

    @Test
    void aSendExactlyOneWindowLaterFallsInTheNextWindow() {
        assertThat(SlidingWindows.busiest(List.of(0L, 10L, 20L), TEN).count()).isEqualTo(1);
        assertThat(SlidingWindows.busiest(List.of(0L, 9L, 10L), TEN).count()).isEqualTo(2);
    }

    @Test
    void countsSendsAtTheSameInstantEachOnce() {
        assertThat(SlidingWindows.busiest(List.of(7L, 7L, 7L, 17L), TEN)).isEqualTo(new SlidingWindows.Busiest(3, 7, 7));
    }
}
