package dev.coldsendproxy.upstream;

/**
 * Coldsend answered 503 with {@code Retry-After}: it is struggling and said when to come back, so
 * it is not retried now, but it counts against the breaker.
 */
public class UpstreamOverloadedException extends UpstreamException {

    private final long retryAfterSeconds;

    public UpstreamOverloadedException(long retryAfterSeconds) {
        super("Coldsend answered HTTP 503 and asked to retry after " + retryAfterSeconds + "s", null);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds Coldsend asked us to wait. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
