package dev.coldsendproxy.lead;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.quota.Budget;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * The headers every lead answer carries, written straight onto the Vert.x response by both the
 * fast hit route and the resource, so the two can never disagree. Names and constant values are
 * pre-encoded ({@link HttpHeaders#createOptimized}) so a hit does not re-encode them.
 */
final class LeadHeaders {

    static final CharSequence X_API_KEY = HttpHeaders.createOptimized("X-API-Key");
    static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
    static final CharSequence IF_NONE_MATCH = HttpHeaders.createOptimized("If-None-Match");
    static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    /** W3C trace context: a fresh hit reads only the trace id out of it, for its access line. */
    static final CharSequence TRACEPARENT = HttpHeaders.createOptimized("traceparent");
    static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    static final CharSequence CONTENT_LENGTH = HttpHeaders.createOptimized("Content-Length");
    static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    private static final CharSequence X_CACHE = HttpHeaders.createOptimized("X-Cache");
    private static final CharSequence AGE = HttpHeaders.createOptimized("Age");
    private static final CharSequence ETAG = HttpHeaders.createOptimized("ETag");
    private static final CharSequence LIMIT = HttpHeaders.createOptimized("RateLimit-Limit");
    private static final CharSequence REMAINING = HttpHeaders.createOptimized("RateLimit-Remaining");
    private static final CharSequence RESET = HttpHeaders.createOptimized("RateLimit-Reset");
    private static final CharSequence POLICY = HttpHeaders.createOptimized("RateLimit-Policy");
    private static final CharSequence RATE_LIMIT = HttpHeaders.createOptimized("RateLimit");
    private static final CharSequence[] OUTCOMES = outcomes();
    /**
     * Pre-encoded 0..1023: every Age of a fresh hit, and the RateLimit values of Coldsend's
     * 100-a-minute and 1,000-an-hour budgets, are written without a String or an encoding pass.
     */
    private static final CharSequence[] NUMBERS = numbers(1024);

    private LeadHeaders() {
    }

    /**
     * Cache outcome, age, validator and the consumer's own budget: {@code RateLimit-Policy} and
     * {@code RateLimit} as in draft-ietf-httpapi-ratelimit-headers-10, and {@code RateLimit-Limit},
     * {@code -Remaining} and {@code -Reset} for clients written against draft -06.
     */
    static void put(MultiMap headers, CachedLead lead, CacheOutcome outcome, long ageSeconds, Budget budget,
            long resetSeconds) {
        headers.set(X_CACHE, OUTCOMES[outcome.ordinal()])
                .set(AGE, number(ageSeconds))
                .set(ETAG, lead.etag())
                .set(LIMIT, number(budget.limit()))
                .set(REMAINING, number(budget.remaining()))
                .set(RESET, number(resetSeconds))
                .set(POLICY, budget.policy())
                .set(RATE_LIMIT, "\"" + budget.policyName() + "\";r=" + budget.remaining() + ";t=" + resetSeconds);
    }

    /** The decimal text of {@code value}, pre-encoded when it is small. */
    static CharSequence number(long value) {
        return value >= 0 && value < NUMBERS.length ? NUMBERS[(int) value] : Long.toString(value);
    }

    private static CharSequence[] numbers(int count) {
        CharSequence[] values = new CharSequence[count];
        for (int i = 0; i < count; i++) {
            values[i] = HttpHeaders.createOptimized(Integer.toString(i));
        }
        return values;
    }

    private static CharSequence[] outcomes() {
        CacheOutcome[] outcomes = CacheOutcome.values();
        CharSequence[] values = new CharSequence[outcomes.length];
        for (CacheOutcome outcome : outcomes) {
            values[outcome.ordinal()] = HttpHeaders.createOptimized(outcome.header());
        }
        return values;
    }
}
