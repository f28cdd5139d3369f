package dev.coldsendproxy.quota;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The budget as all replicas spent it, read from Redis once per probe: what every replica's
 * {@code RateLimit-*} headers, budget-low and holds are judged on while the Redis tier is shared.
 * Built once per read, so the hit path only looks a consumer up.
 */
final class SharedView {

    private final Map<String, Budget> budgets = new HashMap<>();
    /** Each consumer's sends in the minute and the hour, across all replicas. */
    private final Map<String, int[]> used = new HashMap<>();
    private final int minuteLeft;
    private final int hourLeft;
    private final long holdUntil;
    private final boolean holdForOverload;
    private final long validUntil;

    /**
     * @param shares the consumers whose windows {@code status} holds, in its order
     * @param readAt the local time the read was sent
     * @param validFor how long the view may be used before it is too old to trust
     */
    SharedView(LeaseLedger.Status status, List<LeaseLedger.ShareLimits> shares, int perMinute, int perHour, long readAt,
            long validFor) {
        List<LeaseLedger.Window> windows = status.windows();
        LeaseLedger.Window keyMinute = windows.get(0);
        LeaseLedger.Window keyHour = windows.get(1);
        // What the leases hold back for replicas away is not left for anyone here either.
        this.minuteLeft = Math.max(0, perMinute - keyMinute.count() - status.heldPerMinute());
        this.hourLeft = Math.max(0, perHour - keyHour.count() - status.heldPerHour());
        this.holdUntil = readAt + status.holdMillis() * 1_000_000L;
        this.holdForOverload = status.holdStatus() == 503;
        this.validUntil = readAt + validFor;
        for (int i = 0; i < shares.size() && 2 * i + 3 < windows.size(); i++) {
            LeaseLedger.ShareLimits share = shares.get(i);
            used.put(share.consumer(), new int[] { windows.get(2 * i + 2).count(), windows.get(2 * i + 3).count() });
            budgets.put(share.consumer(), budget(share, windows.get(2 * i + 2), windows.get(2 * i + 3), keyMinute, keyHour,
                    readAt));
        }
    }

    private Budget budget(LeaseLedger.ShareLimits share, LeaseLedger.Window minute, LeaseLedger.Window hour,
            LeaseLedger.Window keyMinute, LeaseLedger.Window keyHour, long readAt) {
        int inMinute = Math.min(Math.max(0, share.perMinute() - minute.count()), minuteLeft);
        int inHour = Math.min(Math.max(0, share.perHour() - hour.count()), hourLeft);
        long hourFree = Math.max(hour.nextFreeMillis(), inHour == hourLeft ? keyHour.nextFreeMillis() : 0);
        long minuteFree = Math.max(minute.nextFreeMillis(), inMinute == minuteLeft ? keyMinute.nextFreeMillis() : 0);
        return Budget.tighter(share.perMinute(), inMinute, readAt + minuteFree * 1_000_000L, share.perHour(), inHour,
                readAt + hourFree * 1_000_000L, validUntil);
    }

    /** Whether the view is still recent enough at {@code now}. */
    boolean valid(long now) {
        return now < validUntil;
    }

    /** {@code consumer}'s budget across all replicas, or null when this read did not include it. */
    Budget budget(String consumer) {
        return budgets.get(consumer);
    }

    /**
     * {@code consumer}'s sends in the hour (or minute) across all replicas; {@code otherwise} when
     * this read did not include it, and never less than it (sends since the read).
     */
    int used(String consumer, boolean hourWindow, int otherwise) {
        int[] counts = used.get(consumer);
        return counts == null ? otherwise : Math.max(otherwise, counts[hourWindow ? 1 : 0]);
    }

    /** Units left in the key's minute window, across all replicas. */
    int minuteLeft() {
        return minuteLeft;
    }

    /** Units left in the key's hour window, across all replicas. */
    int hourLeft() {
        return hourLeft;
    }

    /** Until when (local nanos) Coldsend asked every replica to wait; in the past when it did not. */
    long holdUntil() {
        return holdUntil;
    }

    /** Whether that hold is Coldsend being overloaded (503) rather than the key's limit (429). */
    boolean holdForOverload() {
        return holdForOverload;
    }
}
