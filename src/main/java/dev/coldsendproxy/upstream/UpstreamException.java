package dev.coldsendproxy.upstream;

/**
 * Root of the ways a call to Coldsend can fail, one subtype per retry and breaker rule.
 * Messages are for operators and never contain the key or a full upstream URL.
 */
public abstract class UpstreamException extends RuntimeException {

    protected UpstreamException(String message, Throwable cause) {
        super(message, cause, /* enableSuppression= */ false, /* writableStackTrace= */ false);
    }
}
