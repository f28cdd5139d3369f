package dev.coldsendproxy.quota;

/**
 * A consumer's share as it stands, for the IETF {@code RateLimit-*} response headers: the tighter
 * of the minute and hour windows ({@code windowSeconds} says which). {@code resetAtNanos} is when
 * one unit frees up. {@code policy} is the {@code RateLimit-Policy} field value of both windows
 * (draft-ietf-httpapi-ratelimit-headers-10), rendered once per view, not once per answer.
 */
public record Budget(int limit, int remaining, long resetAtNanos, long validUntilNanos, int windowSeconds,
        CharSequence policy) {

    /** The name of the minute window's policy in {@code RateLimit-Policy} and {@code RateLimit}. */
    public static final String MINUTE_POLICY = "minute";
    /** The name of the hour window's policy. */
    public static final String HOUR_POLICY = "hour";
    /** The name of the pace's policy ({@code proxy.quota.pace-window}), listed only for a consumer that is paced. */
    public static final String PACE_POLICY = "pace";

    /** A view of the minute window whose policy names the same quota for both windows (tests, benchmarks). */
    public Budget(int limit, int remaining, long resetAtNanos, long validUntilNanos) {
        this(limit, remaining, resetAtNanos, validUntilNanos, 60, policy(limit, limit));
    }

    /**
     * The view of the tighter window, given each window's limit, units left and when it frees a
     * unit; with both spent, the window that frees one later, so {@code RateLimit-Reset} is never
     * shorter than the real wait.
     */
    static Budget tighter(int minuteLimit, int minuteLeft, long minuteFreeAt, int hourLimit, int hourLeft, long hourFreeAt,
            long validUntilNanos) {
        String policy = policy(minuteLimit, hourLimit);
        if (hourLeft < minuteLeft || (hourLeft == 0 && minuteLeft == 0 && hourFreeAt > minuteFreeAt)) {
            return new Budget(hourLimit, hourLeft, hourFreeAt, validUntilNanos, 3600, policy);
        }
        return new Budget(minuteLimit, minuteLeft, minuteFreeAt, validUntilNanos, 60, policy);
    }

    /**
     * {@code view}, the tighter of the minute and hour, or the pace's window when that is tighter
     * (as {@link #tighter} judges); the policy lists all three.
     */
    static Budget withPace(Budget view, int paceQuota, int paceLeft, long paceFreeAt, int paceSeconds) {
        String policy = view.policy() + ", \"" + PACE_POLICY + "\";q=" + paceQuota + ";w=" + paceSeconds;
        if (paceLeft < view.remaining() || (paceLeft == 0 && view.remaining() == 0 && paceFreeAt > view.resetAtNanos())) {
            return new Budget(paceQuota, paceLeft, paceFreeAt, view.validUntilNanos(), paceSeconds, policy);
        }
        return new Budget(view.limit(), view.remaining(), view.resetAtNanos(), view.validUntilNanos(), view.windowSeconds(),
                policy);
    }

    /**
     * This view while nothing may be sent until {@code until} (Coldsend asked the key to wait, or
     * said none remain): none left, the reset no sooner than then, and valid no longer than that.
     */
    Budget spentUntil(long until) {
        return new Budget(limit, 0, Math.max(resetAtNanos, until), Math.min(validUntilNanos, until), windowSeconds, policy);
    }

    /** Whole seconds from {@code now} until the reset, never negative. */
    public long resetSeconds(long now) {
        return Units.secondsUp(resetAtNanos - now);
    }

    /** The name of the policy this view is of, for the {@code RateLimit} field. */
    public String policyName() {
        return windowSeconds == 60 ? MINUTE_POLICY : windowSeconds == 3600 ? HOUR_POLICY : PACE_POLICY;
    }

    /** {@code RateLimit-Policy}: both windows with the consumer's quota ({@code q}) and their length ({@code w}). */
    static String policy(int minuteQuota, int hourQuota) {
        return "\"" + MINUTE_POLICY + "\";q=" + minuteQuota + ";w=60, \"" + HOUR_POLICY + "\";q=" + hourQuota + ";w=3600";
    }
}
