package dev.coldsendproxy.lead;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a caller says about the age of the answer it will take (RFC 9111 §5.2.1 request
 * directives): {@code no-cache} (revalidate), {@code max-age=N} (no copy older than N seconds),
 * {@code min-fresh=N} (fresh for N more seconds), {@code max-stale[=N]} (a copy up to N seconds
 * past its freshness, any age without N) and {@code only-if-cached} (never ask Coldsend).
 * Unknown directives and malformed values are ignored, as the RFC asks. Times are nanoseconds;
 * {@link #ABSENT} when not given.
 */
record RequestDirectives(boolean noCache, long maxAge, long minFresh, long maxStale, boolean onlyIfCached) {

    /** A directive that was not given. */
    static final long ABSENT = -1;
    /** No directive at all: the common case, allocated once. */
    static final RequestDirectives NONE = new RequestDirectives(false, ABSENT, ABSENT, ABSENT, false);

    /** Parses a {@code Cache-Control} request header; null or blank gives {@link #NONE}. */
    static RequestDirectives parse(String cacheControl) {
        if (cacheControl == null || cacheControl.isBlank()) {
            return NONE;
        }
        boolean noCache = false;
        boolean onlyIfCached = false;
        long maxAge = ABSENT;
        long minFresh = ABSENT;
        long maxStale = ABSENT;
        for (String directive : cacheControl.split(",")) {
            int eq = directive.indexOf('=');
            String name = (eq < 0 ? directive : directive.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : directive.substring(eq + 1).strip();
            switch (name) {
                case "no-cache" -> noCache = true;
                case "only-if-cached" -> onlyIfCached = true;
                case "max-age" -> maxAge = seconds(value, maxAge);
                case "min-fresh" -> minFresh = seconds(value, minFresh);
                case "max-stale" -> maxStale = value == null ? Long.MAX_VALUE : seconds(value, maxStale);
                default -> {
                }
            }
        }
        return new RequestDirectives(noCache, maxAge, minFresh, maxStale, onlyIfCached);
    }

    /**
     * Whether a copy of {@code age} that stays fresh for {@code freshFor} more (both nanoseconds;
     * {@code freshFor} negative once stale) is fresh enough for this caller.
     */
    boolean acceptsFresh(long age, long freshFor) {
        return freshFor > 0 && (maxAge == ABSENT || age <= maxAge) && (minFresh == ABSENT || freshFor >= minFresh);
    }

    /**
     * Whether a copy {@code staleFor} nanoseconds past its freshness may stand in when no fresh
     * answer can be had. {@code otherwise} is the tolerance when the caller named none (the
     * consumer's {@code max-stale}, else {@code proxy.cache.stale-if-error}). A caller that set
     * {@code max-age} without {@code max-stale} takes no copy older than that.
     */
    boolean acceptsStale(long age, long staleFor, long otherwise) {
        if (maxStale != ABSENT) {
            return staleFor <= maxStale;
        }
        return (maxAge == ABSENT || age <= maxAge) && staleFor <= otherwise;
    }

    /** Delta-seconds (RFC 9111 §1.2.2): a non-negative integer, capped so nanoseconds never overflow. */
    private static long seconds(String value, long otherwise) {
        if (value == null) {
            return otherwise;
        }
        String digits = value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
                ? value.substring(1, value.length() - 1) : value;
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            return otherwise;
        }
        return TimeUnit.SECONDS.toNanos(Long.parseLong(digits));
    }
}
