package dev.coldsendproxy.upstream;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The only door to Coldsend: fetches one lead within an overall deadline ({@code coldsend.http.deadline})
 * that bounds the wait for the bulkhead ({@link ColdsendBulkhead}), every attempt and every backoff
 * together, and reports the breaker's state. The deadline is started here, before the queue, and
 * handed down so that the attempt on the wire when it passes is reset at that instant: a
 * {@code @Timeout} would fail the caller and leave the attempt, and its retries, running.
 */
@ApplicationScoped
public class ColdsendClient {

    private static final String GUARDED = "\"" + GuardedColdsend.class.getName() + "/fetch\"";

    private final ColdsendBulkhead bulkhead;
    private final CircuitBreakerMaintenance breakers;
    private final Duration breakerDelay;
    private final Duration deadline;
    private volatile long openedAtNanos = System.nanoTime();

    ColdsendClient(ColdsendBulkhead bulkhead, CircuitBreakerMaintenance breakers, Config config, ColdsendConfig coldsend) {
        this.bulkhead = bulkhead;
        this.breakers = breakers;
        this.breakerDelay = breakerDelay(config);
        this.deadline = positive("coldsend.http.deadline", coldsend.http().deadline());
        positive("coldsend.http.attempt-timeout", coldsend.http().attemptTimeout());
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
     * full bulkhead); past the deadline with a {@link DeadlineExceededException}, a {@code TimeoutException}.
     */
    public Uni<UpstreamAnswer> fetchLead(String campaignId, String leadId, String requestId, AttemptGate gate) {
        String path = "/api/public/v1/campaigns/" + campaignId + "/leads/" + leadId;
        return Uni.createFrom().deferred(() -> bulkhead.fetch(path, requestId, gate, CallDeadline.in(deadline)))
                // A caller still queued for the bulkhead is answered here; one whose attempt is on the wire
                // is answered by that attempt's own reset, which fires at the same instant.
                .ifNoItem().after(deadline).failWith(DeadlineExceededException::new);
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

    private static Duration positive(String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new ConfigurationException(property + " must be a positive duration, but was " + value);
        }
        return value;
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
