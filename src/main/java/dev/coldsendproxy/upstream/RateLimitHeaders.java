package dev.coldsendproxy.upstream;

import io.vertx.core.MultiMap;

/**
 * Coldsend's own account of the key's budget, as sent on every answer: the truth the quota
 * governor corrects itself by, since other systems may spend the same key. Absent values are null.
 */
public record RateLimitHeaders(Long limit, Long remaining, Long resetEpochSeconds, Long retryAfterSeconds) {

    /** Seconds from now until {@code X-RateLimit-Reset} (at least 1), or null when Coldsend sent none. */
    public Long secondsUntilReset() {
        if (resetEpochSeconds == null) {
            return null;
        }
        return Math.max(1, resetEpochSeconds - System.currentTimeMillis() / 1000);
    }

    static RateLimitHeaders from(MultiMap headers) {
        return new RateLimitHeaders(
                number(headers.get("X-RateLimit-Limit")),
                number(headers.get("X-RateLimit-Remaining")),
                number(headers.get("X-RateLimit-Reset")),
                number(headers.get("Retry-After")));
    }

    /** Parses a non-negative whole number; anything else (an HTTP date, garbage) counts as absent. */
    static Long number(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            return parsed < 0 ? null : parsed;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
