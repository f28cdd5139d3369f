package dev.coldsendproxy.resilience;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The production policies with their clocks shortened through the standard fault-tolerance keys,
 * so breaker delays and deadlines pass in a test's time without sleeping. That the keys take effect
 * is itself part of what the suite proves.
 */
public class ShortTimingsProfile implements QuarkusTestProfile {

    static final String GUARDED = "quarkus.fault-tolerance.\"dev.coldsendproxy.upstream.GuardedColdsend/fetch\".";
    static final String DEADLINE = "quarkus.fault-tolerance.\"dev.coldsendproxy.upstream.ColdsendClient/fetchLead\".";

    /** Per-attempt timeout. */
    static final long ATTEMPT_MILLIS = 500;
    /** Overall deadline of one caller's request. */
    static final long DEADLINE_MILLIS = 2_000;
    /** Time the breaker stays open. */
    static final long BREAKER_DELAY_MILLIS = 1_500;
    /** Concurrent upstream calls allowed, and callers allowed to queue for them. */
    static final int BULKHEAD = 4;
    static final int QUEUE = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put(GUARDED + "timeout.value", String.valueOf(ATTEMPT_MILLIS));
        // The production backoff (100 ms doubling): a reset attempt's connection is closed on the
        // stub's side before its retry arrives, so the stub's count of open requests is exact.
        config.put(GUARDED + "retry.delay", "100");
        config.put(GUARDED + "retry.jitter", "10");
        config.put(GUARDED + "exponential-backoff.max-delay", "200");
        config.put(GUARDED + "circuit-breaker.request-volume-threshold", "4");
        config.put(GUARDED + "circuit-breaker.delay", String.valueOf(BREAKER_DELAY_MILLIS));
        config.put(DEADLINE + "bulkhead.value", String.valueOf(BULKHEAD));
        config.put(DEADLINE + "bulkhead.waiting-task-queue", String.valueOf(QUEUE));
        config.put(DEADLINE + "timeout.value", String.valueOf(DEADLINE_MILLIS));
        config.put("coldsend.http.idle-timeout", ATTEMPT_MILLIS + "ms");
        config.put("coldsend.http.max-body-bytes", "65536");
        return config;
    }
}
