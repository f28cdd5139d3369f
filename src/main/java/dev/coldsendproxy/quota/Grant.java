package dev.coldsendproxy.quota;

/**
 * The governor's answer to "may one more request go to Coldsend now?". A refusal says why in
 * words for the caller, how long to wait, and whether it is Coldsend itself that asked us to back
 * off while overloaded (a 503 for callers) rather than the budget being spent (a 429). A grant
 * leased from the budget all replicas share says until when its lease covers a send that starts late.
 */
public record Grant(boolean granted, String reason, long retryAfterSeconds, boolean upstreamOverloaded, long leasedUntil) {

    /** {@link #leasedUntil()} of a grant no lease stands behind: its unit covers a prompt send only. */
    static final long NOT_LEASED = Long.MIN_VALUE;

    static final Grant GRANTED = new Grant(true, null, 0, false, NOT_LEASED);

    /**
     * A unit of a lease from the budget all replicas share, whose cover in Redis holds a send that
     * starts by {@code leaseEnd} (the budget's clock, nanoseconds) and a grace after, as
     * {@link #leasedUntil()}.
     */
    static Grant leased(long leaseEnd) {
        return new Grant(true, null, 0, false, leaseEnd);
    }

    static Grant refused(String reason, long waitNanos) {
        return new Grant(false, reason, Units.retryAfterSeconds(waitNanos), false, NOT_LEASED);
    }

    static Grant overloaded(String reason, long waitNanos) {
        return new Grant(false, reason, Units.retryAfterSeconds(waitNanos), true, NOT_LEASED);
    }
}
