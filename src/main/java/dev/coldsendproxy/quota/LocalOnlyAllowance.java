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
 * <p>Not thread-safe; {@link Leases} guards it.
 */
final class LocalOnlyAllowance {

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
        this.minute = new SlidingLog(Math.max(1, perMinute / expectedReplicas), Units.MINUTE + inFlight);
        this.hour = new SlidingLog(Math.max(1, perHour / expectedReplicas), Units.HOUR + inFlight);
        this.settle = settle;
    }

    /**
     * Spends one unit at {@code now} if the allowance has opened and has room.
     *
     * @param lastContact when this replica last sent Redis a command that was answered
     * @return 0 when spent, else nanoseconds until a unit could be spent
     */
    long tryAcquire(long now, long lastContact) {
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
