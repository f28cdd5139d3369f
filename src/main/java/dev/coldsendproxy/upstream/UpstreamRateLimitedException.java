package dev.coldsendproxy.upstream;

/**
 * Coldsend answered 429: the key's budget is spent. Never retried at once and not a sign of ill
 * health, so the breaker ignores it; the quota governor holds all traffic until the reset.
 */
public class UpstreamRateLimitedException extends UpstreamException {

    private final Long retryAfterSeconds;

    public UpstreamRateLimitedException(Long retryAfterSeconds) {
        super("Coldsend answered HTTP 429 (rate limit exceeded)", null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds until Coldsend accepts requests again, when it said so; otherwise null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
