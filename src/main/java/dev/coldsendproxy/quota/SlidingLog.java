package dev.coldsendproxy.quota;

/**
 * Exact sliding window: the send times of the last {@code limit} requests in a ring, so "at most
 * {@code limit} in any window" is checked in O(1) by looking at the oldest one still counted.
 * The ring starts at {@value #FIRST_SLOTS} slots and doubles when it fills, up to {@code limit}:
 * a key with a large quota no longer holds {@code 8 × limit} bytes per window from the start
 * (2,000,000 an hour were 16 MB each, ~100 MB in all, old-generation data that made the collector
 * run marking cycles and their pauses under load; docs/benchmarks.md).
 * Not thread-safe; {@link QuotaGovernor} guards it.
 */
final class SlidingLog {

    /** The ring's first size; it doubles when full, never beyond the limit. */
    static final int FIRST_SLOTS = 16;

    private final int limit;
    private final long windowNanos;
    private long[] times;
    private int start;
    private int size;

    SlidingLog(int limit, long windowNanos) {
        this.limit = limit;
        this.times = new long[firstSlots(limit)];
        this.windowNanos = windowNanos;
    }

    /** The ring's slots now: what the window holds in memory, up to the limit. */
    int slots() {
        return times.length;
    }

    /** A ring's first size under {@code limit}: {@value #FIRST_SLOTS} slots, or the limit when it is lower. */
    static int firstSlots(int limit) {
        return Math.max(0, Math.min(limit, FIRST_SLOTS));
    }

    /** The size a full ring of {@code slots} grows to under {@code limit}: twice as many, never beyond the limit. */
    static int grownSlots(int slots, int limit) {
        return (int) Math.min(limit, 2L * slots);
    }

    /** Nanoseconds until one more request fits in the window; 0 when it fits now. */
    long waitNanos(long now) {
        return waitNanos(now, limit);
    }

    /**
     * Nanoseconds until one more request fits under {@code limit} (at most the log's own limit: a
     * lower limit learned from Coldsend); 0 when it fits now.
     */
    long waitNanos(long now, int limit) {
        evict(now);
        if (limit <= 0) {
            return windowNanos;
        }
        return size < limit ? 0 : times[(start + size - limit) % times.length] + windowNanos - now;
    }

    /** Counts a request sent at {@code now}; the caller has checked {@link #waitNanos} first. */
    void record(long now) {
        evict(now);
        if (size == limit) {
            throw new IllegalStateException("window full");
        }
        if (size == times.length) {
            grow();
        }
        times[(start + size) % times.length] = now;
        size++;
    }

    /**
     * Counts an event at {@code now} that may come faster than the limit (an ask, not a send):
     * when the ring is full the oldest is forgotten, so the count saturates at the ring's size.
     */
    void recordSaturating(long now) {
        evict(now);
        if (size == limit) {
            start = (start + 1) % times.length;
            size--;
        }
        record(now);
    }

    /** Whether a request counted at or before {@code notAfter} is still in the window. */
    boolean countsOneAtOrBefore(long notAfter, long now) {
        evict(now);
        return size > 0 && times[start] <= notAfter;
    }

    /**
     * Counts one request again from {@code now} instead of when it was counted: the newest one
     * counted at or before {@code notAfter}, so that every request still counted is counted from
     * no earlier than it was sent (a later one moved would leave the window too soon). The caller
     * has checked {@link #countsOneAtOrBefore}. O(window) on a rare path.
     */
    void moveToNow(long notAfter, long now) {
        evict(now);
        int i = size - 1;
        while (times[(start + i) % times.length] > notAfter) {
            i--;
        }
        for (; i < size - 1; i++) {
            times[(start + i) % times.length] = times[(start + i + 1) % times.length];
        }
        times[(start + size - 1) % times.length] = now;
    }

    /** Events counted in the current window. */
    int count(long now) {
        evict(now);
        return size;
    }

    /** Requests that may still be sent in the current window. */
    int remaining(long now) {
        return remaining(now, limit);
    }

    /** Requests that may still be sent in the current window under {@code limit}. */
    int remaining(long now, int limit) {
        evict(now);
        return Math.max(0, limit - size);
    }

    /** When the oldest counted request leaves the window (frees one unit); {@code now} when none is counted. */
    long nextFreeAt(long now) {
        evict(now);
        return size == 0 ? now : times[start] + windowNanos;
    }

    /** Doubles the ring (up to the limit), the oldest counted request moved to slot 0. */
    private void grow() {
        long[] larger = new long[grownSlots(times.length, limit)];
        for (int i = 0; i < size; i++) {
            larger[i] = times[(start + i) % times.length];
        }
        times = larger;
        start = 0;
    }

    private void evict(long now) {
        while (size > 0 && now - times[start] >= windowNanos) {
            start = (start + 1) % times.length;
            size--;
        }
    }
}
