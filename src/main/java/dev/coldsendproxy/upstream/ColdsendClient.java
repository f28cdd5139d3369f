package dev.coldsendproxy.upstream;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The only door to Coldsend: fetches one lead within an overall deadline that bounds every retry
 * and backoff together (and any wait for the bulkhead), lets at most 16 lead fetches (each its
 * attempts one after another) talk to Coldsend at once, and reports the breaker's state. Tunable
 * as {@code quarkus.fault-tolerance."dev.coldsendproxy.upstream.ColdsendClient/fetchLead".timeout.value}
 * and {@code ...bulkhead.value} / {@code ...bulkhead.waiting-task-queue}.
 */
@ApplicationScoped
public class ColdsendClient {

    private static final String GUARDED = "\"" + GuardedColdsend.class.getName() + "/fetch\"";

    private final GuardedColdsend guarded;
    private final CircuitBreakerMaintenance breakers;
    private final Duration breakerDelay;
    private volatile long openedAtNanos = System.nanoTime();

    ColdsendClient(GuardedColdsend guarded, CircuitBreakerMaintenance breakers, Config config) {
        this.guarded = guarded;
        this.breakers = breakers;
        this.breakerDelay = breakerDelay(config);
        breakers.onStateChange(GuardedColdsend.BREAKER, state -> {
            if (state == CircuitBreakerState.OPEN) {
                openedAtNanos = System.nanoTime();
            }
        });
    }

    /**
     * Fetches {@code GET /api/public/v1/campaigns/{campaignId}/leads/{leadId}}. The ids must already
     * be validated UUIDs. 200 and 404 come back as answers; everything else fails with an
     * {@link UpstreamException} subtype or a fault-tolerance exception (timeout, open breaker,
     * full bulkhead).
     */
    @Timeout(5000)
    @Bulkhead(value = 16, waitingTaskQueue = 32)
    public Uni<UpstreamAnswer> fetchLead(String campaignId, String leadId, String requestId, AttemptGate gate) {
        String path = "/api/public/v1/campaigns/" + campaignId + "/leads/" + leadId;
        return guarded.fetch(path, requestId, gate);
    }

    /** Current breaker state, for health data and metrics. */
    public CircuitBreakerState breakerState() {
        return breakers.currentState(GuardedColdsend.BREAKER);
    }

    /** Whole seconds (at least 1) until the open breaker lets a trial call through. */
    public long secondsUntilBreakerHalfOpens() {
        long elapsed = System.nanoTime() - openedAtNanos;
        long left = breakerDelay.toNanos() - elapsed;
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** The breaker delay as configured through the standard keys, else the annotation's 10 s. */
    private static Duration breakerDelay(Config config) {
        for (String prefix : new String[] { "quarkus.fault-tolerance." + GUARDED, "quarkus.fault-tolerance.global" }) {
            Optional<Long> delay = config.getOptionalValue(prefix + ".circuit-breaker.delay", Long.class);
            if (delay.isPresent()) {
                ChronoUnit unit = config.getOptionalValue(prefix + ".circuit-breaker.delay-unit", String.class)
                        .map(value -> ChronoUnit.valueOf(value.trim().toUpperCase()))
                        .orElse(ChronoUnit.MILLIS);
                return Duration.of(delay.get(), unit);
            }
        }
        return Duration.ofSeconds(10);
    }
}
