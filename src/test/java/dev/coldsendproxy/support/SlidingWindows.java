package dev.coldsendproxy.support;

import java.time.Duration;
import java.util.Collection;

/**
 * The busiest sliding window over a set of send times, as Coldsend measures a key's limit: any
 * span of {@code window} length, wherever it starts. The busiest one starts at some send, so one
 * pass of two pointers over the sorted times finds it.
 */
public final class SlidingWindows {

    private SlidingWindows() {
    }

    /**
     * The busiest window: {@code count} sends, the first at {@code firstNanos} and the last at
     * {@code lastNanos} (both 0 when there were none).
     */
    public record Busiest(int count, long firstNanos, long lastNanos) {
    }

    /** The most {@code times} (nanoseconds on one clock) that fall in any half-open span of {@code window}. */
    public static Busiest busiest(Collection<Long> times, Duration window) {
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        long span = window.toNanos();
        Busiest best = new Busiest(0, 0, 0);
        int end = 0;
        for (int start = 0; start < sorted.length; start++) {
            while (end < sorted.length && sorted[end] - sorted[start] < span) {
                end++;
            }
            if (end - start > best.count()) {
                best = new Busiest(end - start, sorted[start], sorted[end - 1]);
            }
        }
        return best;
    }
}
