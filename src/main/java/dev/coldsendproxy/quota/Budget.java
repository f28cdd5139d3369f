package dev.coldsendproxy.quota;

/**
 * A consumer's share as it stands, for the IETF {@code RateLimit-*} response headers: the tighter
 * of the minute and hour windows. {@code resetAtNanos} is when one unit frees up.
 */
public record Budget(int limit, int remaining, long resetAtNanos, long validUntilNanos) {

    /** Whole seconds from {@code now} until the reset, never negative. */
    public long resetSeconds(long now) {
        return Units.secondsUp(resetAtNanos - now);
    }
}
