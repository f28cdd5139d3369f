package dev.coldsendproxy.quota;

import dev.coldsendproxy.consumer.Priority;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Spreads the hour's budget ({@code proxy.quota.pace-window}): in any window of that length, the
 * consumers that are not {@code critical}, and spare-budget refreshes, spend together at most the
 * hour's limit times the window's part of an hour. When demand exceeds the hour all day, the
 * proxy would otherwise spend the hour in its first ten minutes, and the copies those units fetch
 * answer only for their tolerance: then nothing answers until the hour's first units leave it
 * (README "Getting the most from one key", item 5). A {@code critical} consumer is never paced: its sends count
 * against the pace of the others, not against its own. Shares, holdbacks and claims work within
 * the pace as within Coldsend's windows ({@link QuotaGovernor}). With the Redis tier, each replica
 * paces its own sends at {@code 1/expected-replicas} of the pace. The pace only ever holds a
 * send back: it never lets out one that the key's windows refuse.
 */
final class Pace {

    /** The off switch: no window, nothing paced. */
    static final Pace OFF = new Pace(0, 1, 1, 0, 0);

    private final long windowNanos;
    private final int perHour;
    private final long inFlightNanos;
    private final double holdback;
    private final int replicas;
    /** Every send of the key's in the last window and its in-flight time, as counted by this replica. */
    final SlidingLog log;

    /**
     * {@code windowNanos}: 0 for off, else more than a minute (so its policy is told from the
     * minute's) and less than an hour. {@code perHour}: the most sends any window can hold.
     * {@code replicas}: how many replicas share the pace (1 without the Redis tier).
     * {@code holdback}: {@code proxy.quota.holdback}, which the pace makes room for.
     */
    Pace(long windowNanos, int perHour, int replicas, long inFlightNanos, double holdback) {
        if (windowNanos != 0 && (windowNanos <= Units.MINUTE || windowNanos >= Units.HOUR)) {
            throw new ConfigurationException("proxy.quota.pace-window must be 0s (off), or more than 1m and less than 1h, but was "
                    + java.time.Duration.ofNanos(windowNanos));
        }
        this.windowNanos = windowNanos;
        this.perHour = perHour;
        this.inFlightNanos = inFlightNanos;
        this.holdback = holdback;
        this.replicas = Math.max(1, replicas);
        this.log = newLog();
    }

    /** Whether sends for a consumer of {@code priority} are paced. */
    boolean paces(Priority priority) {
        return windowNanos > 0 && priority != Priority.CRITICAL;
    }

    /** The window's length in whole seconds, for its {@code RateLimit-Policy}. */
    int windowSeconds() {
        // Rounded up: a window a hair over a minute is 61 s, never taken for the minute's policy.
        return (int) Units.secondsUp(windowNanos);
    }

    /** Whether anything is paced. */
    boolean on() {
        return windowNanos > 0;
    }

    /**
     * The units the paced consumers may spend in any window on this replica, under an hour limit
     * of {@code hourLimit}: the hour's part of the window as the windows count it (each unit for
     * its time in flight too), and the holdbacks on top, so that continuous demand still spends
     * the whole hour while consumers idle in a window keep their holdbacks of it (100 of 1,000 in
     * 6 minutes becomes 111).
     */
    int limit(int hourLimit) {
        double part = (double) (windowNanos + inFlightNanos) / Units.HOUR;
        // Less a hair: 1,000 times a tenth is 100 in decimal, a little more in binary.
        return Math.max(1, (int) Math.ceil(hourLimit * part * (1 + holdback) / replicas - 1e-9));
    }

    /** A log of the sends in one pace window (and their in-flight time), sized for the most a window may hold. */
    SlidingLog newLog() {
        return new SlidingLog(perHour, windowNanos + inFlightNanos);
    }
}
