package dev.coldsendproxy.upstream;

/**
 * The {@link AttemptGate} refused to let an attempt go out (the key's budget is spent or Coldsend
 * asked us to wait). Nothing was sent: not retried, not counted by the breaker.
 */
public class AttemptRefusedException extends UpstreamException {

    private final long retryAfterSeconds;
    private final String reason;

    public AttemptRefusedException(String reason, long retryAfterSeconds) {
        super(reason, null);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds (at least 1) until an attempt may be allowed again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Why, in words fit for a caller. */
    public String reason() {
        return reason;
    }
}
