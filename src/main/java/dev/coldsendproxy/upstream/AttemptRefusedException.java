package dev.coldsendproxy.upstream;

/**
 * The {@link AttemptGate} refused to let an attempt go out (the key's budget is spent or Coldsend
 * asked us to wait). Nothing was sent: not retried, not counted by the breaker.
 */
public class AttemptRefusedException extends UpstreamException {

    private final long retryAfterSeconds;
    private final String reason;
    private final boolean upstreamOverloaded;

    public AttemptRefusedException(String reason, long retryAfterSeconds, boolean upstreamOverloaded) {
        super(reason, null);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.upstreamOverloaded = upstreamOverloaded;
    }

    /** Whether Coldsend asked for the pause because it is overloaded, rather than a budget being spent. */
    public boolean upstreamOverloaded() {
        return upstreamOverloaded;
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
