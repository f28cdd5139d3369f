package dev.coldsendproxy.resilience;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The production policies with their clocks shortened through their configuration keys (the standard
 * fault-tolerance keys, and {@code coldsend.http.*} for the attempt timeout and the deadline), so
 * breaker delays and deadlines pass in a test's time without sleeping. Retries keep the production
 * spacing (100 ms ± 50 doubling). That the keys take effect is itself part of what the suite proves.
 */
public class ShortTimingsProfile implements QuarkusTestProfile {

    static final String GUARDED = "quarkus.fault-tolerance.\"dev.coldsendproxy.upstream.GuardedColdsend/fetch\".";
    static final String BULKHEAD = "quarkus.fault-tolerance.\"dev.coldsendproxy.upstream.ColdsendBulkhead/fetch\".";

    /** Per-attempt timeout. */
    static final long ATTEMPT_MILLIS = 500;
    /** Overall deadline of one caller's request. */
    static final long DEADLINE_MILLIS = 2_000;
    /** Time the breaker stays open. */
    static final long BREAKER_DELAY_MILLIS = 1_500;
    /** Concurrent upstream calls allowed, and callers allowed to queue for them. */
    static final int BULKHEAD_SLOTS = 4;
    static final int QUEUE = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("coldsend.http.attempt-timeout", ATTEMPT_MILLIS + "ms");
        config.put("coldsend.http.deadline", DEADLINE_MILLIS + "ms");
        config.put(GUARDED + "circuit-breaker.request-volume-threshold", "4");
        config.put(GUARDED + "circuit-breaker.delay", String.valueOf(BREAKER_DELAY_MILLIS));
        config.put(BULKHEAD + "bulkhead.value", String.valueOf(BULKHEAD_SLOTS));
        config.put(BULKHEAD + "bulkhead.waiting-task-queue", String.valueOf(QUEUE));
        config.put("coldsend.http.max-body-bytes", "65536");
        return config;
    }
}
