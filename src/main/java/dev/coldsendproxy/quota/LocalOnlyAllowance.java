package dev.coldsendproxy.quota;

/**
 * What this replica may spend with no lease while Redis is unreachable. Units leased before the
 * outage may still be in any window, and so may those of every other replica, so nothing is spent
 * without a lease until a full window (plus {@code settle}: a lease's life and one missed probe)
 * has passed since this replica last heard from Redis. After that it may spend
 * {@code 1/expected-replicas} of that window (at least 1): the expected replicas, all cut off,
 * together stay within the key's limits. Since every send counts in both windows, the hour
 * decides: a replica cut off for less than an hour spends only what it had leased.
 *
 * <p>When only some replicas are cut off, the others hold the same share back for each of them
 * ({@link LeaseLedger}): from {@code silent-after} into the silence, so {@code settle} includes
 * it, a full window before this allowance opens. They remember a replica's last contact for
 * {@link LeaseLedger#HEARD_LIFE_MILLIS}, so past {@link #LONGEST_SILENCE} it spends nothing more.
 *
 * <p>Not thread-safe; {@link Leases} guards it.
 */
final class LocalOnlyAllowance {

    /** Silence past which nothing is spent without Redis: the others forget this replica an hour and more later. */
    static final long LONGEST_SILENCE = Units.HOUR * 22;

    private final SlidingLog minute;
    private final SlidingLog hour;
    private final long settle;

    /**
     * @param settle nanoseconds past a full window before the allowance opens: the longest a
     *        leased unit may still go out after the last answer from Redis
     * @param inFlight nanoseconds after its grant a send may still reach Coldsend, which counts it
     *        from then: each window counts a unit that much longer
     */
    LocalOnlyAllowance(int perMinute, int perHour, int expectedReplicas, long settle, long inFlight) {
        this.minute = new SlidingLog(shareOf(perMinute, expectedReplicas), Units.MINUTE + inFlight);
        this.hour = new SlidingLog(shareOf(perHour, expectedReplicas), Units.HOUR + inFlight);
        this.settle = settle;
    }

    /** One replica's share of a window's {@code limit}: what it may spend on its own, and what the others hold back for it. */
    static int shareOf(int limit, int expectedReplicas) {
        return Math.max(1, limit / expectedReplicas);
    }

    /**
     * Spends one unit at {@code now} if the allowance has opened and has room.
     *
     * @param lastContact when this replica last sent Redis a command that was answered
     * @param recordedContact the last contact Redis keeps as this replica's (not moved by answers
     *        while it has sends Redis does not know), from which {@link #LONGEST_SILENCE} counts
     * @return 0 when spent, else nanoseconds until a unit could be spent ({@link Long#MAX_VALUE}
     *         past {@link #LONGEST_SILENCE}: not before Redis answers again)
     */
    long tryAcquire(long now, long lastContact, long recordedContact) {
        if (now - recordedContact >= LONGEST_SILENCE) {
            return Long.MAX_VALUE;
        }
        long silence = now - lastContact;
        long wait = Math.max(Units.MINUTE + settle - silence, Units.HOUR + settle - silence);
        wait = Math.max(wait, Math.max(minute.waitNanos(now), hour.waitNanos(now)));
        if (wait > 0) {
            return wait;
        }
        minute.record(now);
        hour.record(now);
        return 0;
    }
}
