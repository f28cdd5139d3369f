package dev.coldsendproxy.error;

/**
 * A failure that reaches the caller as Coldsend-shaped JSON, {@code {"detail": "..."}}, with the
 * status and (when waiting helps) a {@code Retry-After}. The detail is written for the caller:
 * what happened and what to do; never a class name, a URL with credentials, or a key.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final Long retryAfterSeconds;

    public ProblemException(int status, String detail) {
        this(status, detail, null);
    }

    public ProblemException(int status, String detail, Long retryAfterSeconds) {
        super(detail, null, /* enableSuppression= */ false, /* writableStackTrace= */ false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** HTTP status for the caller. */
    public int status() {
        return status;
    }

    /** The {@code detail} text. */
    public String detail() {
        return getMessage();
    }

    /** Seconds for {@code Retry-After}, or null when waiting would not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
