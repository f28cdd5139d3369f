package dev.coldsendproxy.upstream;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The per-attempt policies around one Coldsend call, applied by SmallRye Fault Tolerance from the
 * outside in: retry, then circuit breaker, around each attempt. The bulkhead sits one bean further
 * out ({@link ColdsendBulkhead}) and the overall deadline further still ({@link ColdsendClient}): a
 * bulkhead here would let its rejections reach the breaker, which records {@code skipOn} exceptions
 * as successes (diluting the failure ratio while Coldsend hangs) and everything else as failures
 * (opening against a healthy Coldsend during a burst of our own callers).
 *
 * <p>The attempt timeout is not a {@code @Timeout}: SmallRye's fails the call but leaves the attempt
 * running (it cancels nothing of a {@code Uni}), so the abandoned request stayed on the wire while the
 * retry opened another. Here each attempt is given {@code coldsend.http.attempt-timeout}, or what is
 * left of the caller's deadline if that is less, and {@link ColdsendHttp} resets it when that runs out.
 *
 * <p>The breaker does not count what says nothing about Coldsend's health against it: its 4xx
 * answers, 429s and our own quota refusals.
 *
 * <p>Defaults below are tunable with the standard keys, e.g.
 * {@code quarkus.fault-tolerance."dev.coldsendproxy.upstream.GuardedColdsend/fetch".retry.max-retries}.
 */
@ApplicationScoped
class GuardedColdsend {

    /** Name under which the breaker's state is reported and reset. */
    static final String BREAKER = "coldsend";

    private final ColdsendHttp http;
    private final Duration attemptTimeout;

    GuardedColdsend(ColdsendHttp http, ColdsendConfig config) {
        this.http = http;
        this.attemptTimeout = config.http().attemptTimeout();
    }

    /**
     * One guarded fetch: each retry is a fresh request, asked of the gate again. Once the caller's
     * deadline has passed nothing more is sent, and that is neither retried nor held against Coldsend.
     */
    @Retry(maxRetries = 2, delay = 100, jitter = 50, maxDuration = 5000, durationUnit = ChronoUnit.MILLIS,
            retryOn = { UpstreamUnavailableException.class, UpstreamServerErrorException.class, TimeoutException.class },
            abortOn = DeadlineExceededException.class)
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, successThreshold = 2,
            skipOn = { UpstreamRejectedException.class, UpstreamRateLimitedException.class, AttemptRefusedException.class,
                    DeadlineExceededException.class })
    @CircuitBreakerName(BREAKER)
    Uni<UpstreamAnswer> fetch(String path, String requestId, AttemptGate gate, CallDeadline deadline) {
        return Uni.createFrom().deferred(() -> isOver(deadline) ? Uni.createFrom().failure(new DeadlineExceededException())
                : gate.beforeAttempt())
                .chain(() -> attempt(path, requestId, deadline))
                .map(answer -> {
                    gate.afterAnswer(answer.status(), answer.rateLimit());
                    return classify(answer);
                });
    }

    /** One request, reset when its attempt timeout or the caller's deadline, whichever is sooner, runs out. */
    private Uni<UpstreamAnswer> attempt(String path, String requestId, CallDeadline deadline) {
        Duration left = deadline.remaining();
        if (isOver(deadline)) {
            return Uni.createFrom().failure(new DeadlineExceededException());
        }
        if (left.compareTo(attemptTimeout) < 0) {
            return http.get(path, requestId, left, DeadlineExceededException::new);
        }
        return http.get(path, requestId, attemptTimeout,
                () -> new TimeoutException("Coldsend did not answer within coldsend.http.attempt-timeout"));
    }

    private static boolean isOver(CallDeadline deadline) {
        return deadline.remaining().toNanos() <= 0;
    }

    /** Turns statuses into the exception types the retry and breaker rules above are written for. */
    static UpstreamAnswer classify(UpstreamAnswer answer) {
        int status = answer.status();
        if (status == 200) {
            LeadBodyCheck.requireLead(answer.body());
            return answer;
        }
        if (status == 404) {
            LeadBodyCheck.requireColdsendError(answer.body());
            return answer;
        }
        Long retryAfter = answer.rateLimit().retryAfterSeconds();
        if (status == 429) {
            throw new UpstreamRateLimitedException(retryAfter != null ? retryAfter : answer.rateLimit().secondsUntilReset());
        }
        if (status == 503 && retryAfter != null) {
            throw new UpstreamOverloadedException(retryAfter);
        }
        if (status == 500 || status == 502 || status == 503 || status == 504) {
            throw new UpstreamServerErrorException(status);
        }
        if (status >= 400 && status < 500) {
            throw new UpstreamRejectedException(status);
        }
        throw new UpstreamBadAnswerException("Coldsend answered with unexpected HTTP " + status);
    }
}
