package dev.coldsendproxy.quota;

import java.util.concurrent.TimeUnit;

/**
 * The budget's two roundings, written once: a consumer's share of a window (never rounded down to
 * nothing) and a wait in whole seconds for {@code Retry-After} and {@code RateLimit-Reset}
 * (rounded up, so a caller that waits that long finds the unit free).
 */
public final class Units {

    /** One minute, the short window of Coldsend's limit. */
    public static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    /** One hour, the long window of Coldsend's limit. */
    public static final long HOUR = TimeUnit.HOURS.toNanos(1);

    /** One second. */
    public static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private Units() {
    }

    /** {@code share} (0..1] of {@code limit} units, rounded down but at least 1. */
    public static int shareOf(double share, int limit) {
        return Math.max(1, (int) Math.floor(share * limit));
    }

    /** Whole seconds covering {@code nanos}, rounded up; 0 for no wait. */
    public static long secondsUp(long nanos) {
        return nanos <= 0 ? 0 : (nanos + SECOND - 1) / SECOND;
    }

    /** Whole seconds covering {@code nanos}, rounded up, and at least 1: what {@code Retry-After} says. */
    public static long retryAfterSeconds(long nanos) {
        return Math.max(1, secondsUp(nanos));
    }
}
