package dev.coldsendproxy.quota;

/**
 * Exact sliding window: the send times of the last {@code limit} requests in a ring, so "at most
 * {@code limit} in any window" is checked in O(1) by looking at the oldest one still counted.
 * Not thread-safe; {@link QuotaGovernor} guards it.
 */
final class SlidingLog {

    private final long[] times;
    private final long windowNanos;
    private int start;
    private int size;

    SlidingLog(int limit, long windowNanos) {
        this.times = new long[limit];
        this.windowNanos = windowNanos;
    }

    /** Nanoseconds until one more request fits in the window; 0 when it fits now. */
    long waitNanos(long now) {
        return waitNanos(now, times.length);
    }

    /**
     * Nanoseconds until one more request fits under {@code limit} (at most the ring's size: a
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
        if (size == times.length) {
            throw new IllegalStateException("window full");
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
        if (size == times.length) {
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
        return remaining(now, times.length);
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

    private void evict(long now) {
        while (size > 0 && now - times[start] >= windowNanos) {
            start = (start + 1) % times.length;
            size--;
        }
    }
}
