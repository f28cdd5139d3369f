package dev.coldsendproxy.cluster;

/** Redis did not answer in time or failed: the caller falls back to local-only behaviour. */
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause, /* enableSuppression= */ false, /* writableStackTrace= */ false);
    }
}
