package dev.coldsendproxy.quota;

import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.Priority;

/**
 * One consumer's sends in both windows, and the part of its guarantee that others may not borrow:
 * its holdback always, and all of its unspent guarantee while it claims units (it was refused
 * lately) or when a {@code background} consumer would borrow from a {@code critical} one. Not
 * thread-safe; {@link QuotaGovernor} guards it.
 */
final class ConsumerWindows {

    /**
     * How long past the wait it was told ({@code Retry-After}) a consumer refused below its
     * guarantee keeps first claim on freed units: time for it to come back.
     */
    static final long CLAIM_NANOS = 10 * Units.SECOND;

    final String name;
    final double share;
    final Priority priority;
    final SlidingLog minute;
    final SlidingLog hour;
    /** Its sends in the last pace window ({@link Pace}), whether or not it is paced: they count against the pace of the others. */
    final SlidingLog pace;
    /** Until when freed units go to this consumer before any borrower; it was refused below its guarantee. */
    long claimUntil = Long.MIN_VALUE;
    /**
     * The same within the pace ({@link Pace}) alone: refused by the pace below its guarantee of it.
     * Kept apart so that a pace refusal (minutes long) never holds back units of the key's windows.
     */
    long paceClaimUntil = Long.MIN_VALUE;
    /** This consumer's {@code RateLimit-*} view, dropped whenever any consumer sends. */
    volatile Budget view;
    /** The tighter view of all replicas with this one's policy, and the two it was made of: made once per pair. */
    private volatile SharedWithPolicy sharedWithPolicy;
    /** Requests sent for this consumer, and how many of them were lent (beyond its guarantee), for metrics. */
    volatile long sent;
    volatile long borrowed;

    /**
     * {@code inFlightNanos}: how long past a window the key's windows count a unit; a consumer's
     * count it as long, so the key's count stays the sum of the consumers' and spare refreshes'.
     */
    ConsumerWindows(Consumer consumer, int perMinute, int perHour, long inFlightNanos, Pace pacing) {
        this.name = consumer.name();
        this.share = consumer.share();
        this.priority = consumer.priority();
        // Sized for the whole key: with lending, one consumer may spend every unit of a window.
        this.minute = new SlidingLog(perMinute, Units.MINUTE + inFlightNanos);
        this.hour = new SlidingLog(perHour, Units.HOUR + inFlightNanos);
        this.pace = pacing.newLog();
    }

    /**
     * {@code shared}'s values (all replicas' spend, tighter than this replica's view) with the
     * policy of {@code local}, which lists the pace; the same object while neither changes, so a
     * hit allocates nothing.
     */
    Budget withPolicyOf(Budget shared, Budget local) {
        SharedWithPolicy last = sharedWithPolicy;
        if (last != null && last.shared() == shared && last.local() == local) {
            return last.budget();
        }
        Budget budget = new Budget(shared.limit(), shared.remaining(), shared.resetAtNanos(), shared.validUntilNanos(),
                shared.windowSeconds(), local.policy());
        sharedWithPolicy = new SharedWithPolicy(shared, local, budget);
        return budget;
    }

    private record SharedWithPolicy(Budget shared, Budget local, Budget budget) {
    }

    SlidingLog log(boolean hourWindow) {
        return hourWindow ? hour : minute;
    }

    /** The units of a window of {@code limit} this consumer can count on: its share, at least one. */
    int guarantee(int limit) {
        return Units.shareOf(share, limit);
    }

    /** Whether {@code used} units spend this consumer's guarantee of a window of {@code limit}, so a further send is borrowed. */
    boolean borrowing(int used, int limit) {
        return used >= guarantee(limit);
    }

    /**
     * Units of this consumer's guarantee that {@code asker} must leave free in a window of
     * {@code limit} where this consumer spent {@code used}: the unspent part of its holdback; when
     * the asker borrows, all of its unspent guarantee while it claims freed units, or while it is
     * critical and the asker background. {@code inPace}: the window is the pace's, where only a
     * claim made by a pace refusal counts ({@link #paceClaimUntil}).
     */
    int guardedFrom(ConsumerWindows asker, boolean askerBorrows, int used, int limit, double holdback, long now,
            boolean inPace) {
        int guarantee = guarantee(limit);
        int guarded = Math.max(0, heldBack(guarantee, holdback) - used);
        if (askerBorrows && (now < (inPace ? paceClaimUntil : claimUntil)
                || (priority == Priority.CRITICAL && asker.priority == Priority.BACKGROUND))) {
            guarded = Math.max(guarded, guarantee - used);
        }
        return guarded;
    }

    /** Counts a send at {@code now}; {@code lent}: beyond this consumer's guarantee in a window. */
    void record(long now, boolean lent) {
        minute.record(now);
        hour.record(now);
        pace.recordSaturating(now);
        sent++;
        if (lent) {
            borrowed++;
        }
    }

    /** The holdback of a guarantee: rounded up, so any holdback above 0 keeps at least one unit. */
    static int heldBack(int guarantee, double holdback) {
        return holdback <= 0 ? 0 : (int) Math.ceil(holdback * guarantee);
    }
}
