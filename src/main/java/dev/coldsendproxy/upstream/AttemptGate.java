package dev.coldsendproxy.upstream;

import io.smallrye.mutiny.Uni;

/**
 * Asked before every attempt to reach Coldsend (retries included) and told of every answer, so
 * that whoever owns the key's budget can refuse an attempt and learn from the upstream's headers.
 * The upstream client knows nothing about quotas beyond this door.
 */
public interface AttemptGate {

    /**
     * Called just before a request is sent; asynchronous so that a budget shared between replicas
     * (in Redis) can be asked without blocking the event loop.
     *
     * @return completes when the attempt may go out, or fails with {@link AttemptRefusedException}
     */
    Uni<Void> beforeAttempt();

    /** Called with the status and rate-limit headers of every answer Coldsend gives. */
    void afterAnswer(int status, RateLimitHeaders headers);
}
