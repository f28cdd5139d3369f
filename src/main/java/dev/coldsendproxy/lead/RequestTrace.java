package dev.coldsendproxy.lead;

import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.RateLimitHeaders;
import io.smallrye.mutiny.Uni;

/**
 * One lead request on its way past the cache: its id (sent upstream), the caller's
 * {@code Cache-Control} directives (revalidation, the age it accepts), how long it would wait
 * for a budget unit ({@code Prefer: wait}), and the status of its own last upstream answer,
 * for the access line. Coalesced waiters have none: another request made the call.
 */
final class RequestTrace {

    /** No upstream answer was seen by this request. */
    static final int NO_UPSTREAM_STATUS = 0;

    private final String requestId;
    private final RequestDirectives directives;
    private final long preferredWaitNanos;
    private volatile int upstreamStatus = NO_UPSTREAM_STATUS;
    private volatile LeadSpan.QuotaDecision quota = LeadSpan.QuotaDecision.NONE;

    RequestTrace(String requestId, RequestDirectives directives) {
        this(requestId, directives, PreferWait.NOT_SAID);
    }

    /** {@code preferredWaitNanos}: the caller's {@code Prefer: wait}, or {@link PreferWait#NOT_SAID}. */
    RequestTrace(String requestId, RequestDirectives directives, long preferredWaitNanos) {
        this.requestId = requestId;
        this.directives = directives;
        this.preferredWaitNanos = preferredWaitNanos;
    }

    /** How long the caller prefers to wait for a budget unit ({@code Prefer: wait}), or {@link PreferWait#NOT_SAID}. */
    long preferredWaitNanos() {
        return preferredWaitNanos;
    }

    /** The request id, as echoed to the caller and sent to Coldsend. */
    String requestId() {
        return requestId;
    }

    /** Whether the caller asked for the cached copy to be revalidated with Coldsend. */
    boolean revalidate() {
        return directives.noCache();
    }

    /** The caller's {@code Cache-Control} request directives. */
    RequestDirectives directives() {
        return directives;
    }

    /** Status of this request's last upstream answer, or {@link #NO_UPSTREAM_STATUS}. */
    int upstreamStatus() {
        return upstreamStatus;
    }

    /** Whether this request's own call was paid for, refused by the budget, or never needed a unit. */
    LeadSpan.QuotaDecision quotaDecision() {
        return quota;
    }

    /**
     * The decision of a request answered 429: a refusal unless a unit was paid (then Coldsend said
     * 429). A cold ask refused before its gate was watched (the wait for a unit in
     * {@code QuotaGates.admit}) is a refusal too.
     */
    LeadSpan.QuotaDecision quotaDecisionOnRefusal() {
        return quota == LeadSpan.QuotaDecision.GRANTED ? quota : LeadSpan.QuotaDecision.REFUSED;
    }

    /**
     * Wraps the quota gate so that every attempt this request makes is timed and counted by status
     * class, its last status is remembered for the access line, and the budget's decision for its span.
     */
    AttemptGate watch(AttemptGate gate, LeadTelemetry telemetry) {
        return new AttemptGate() {
            private volatile long sentAt;

            @Override
            public Uni<Void> beforeAttempt() {
                return gate.beforeAttempt()
                        .invoke(() -> {
                            quota = LeadSpan.QuotaDecision.GRANTED;
                            sentAt = System.nanoTime();
                        })
                        .onFailure(AttemptRefusedException.class).invoke(() -> {
                            if (quota == LeadSpan.QuotaDecision.NONE) {
                                quota = LeadSpan.QuotaDecision.REFUSED;
                            }
                        });
            }

            @Override
            public void afterAnswer(int status, RateLimitHeaders headers) {
                upstreamStatus = status;
                telemetry.upstreamAnswered(status, System.nanoTime() - sentAt);
                gate.afterAnswer(status, headers);
            }
        };
    }
}
