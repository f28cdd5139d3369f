package dev.coldsendproxy.upstream;

/** Coldsend could not be reached, or the connection broke mid-answer: retryable, counts against the breaker. */
public class UpstreamUnavailableException extends UpstreamException {

    public UpstreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
