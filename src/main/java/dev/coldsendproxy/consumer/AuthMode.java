package dev.coldsendproxy.consumer;

/** How callers prove who they are. */
public enum AuthMode {
    /** Every caller sends its own key in {@code X-API-Key}; the production default. */
    KEYS,
    /** No caller key: every request is the consumer "anonymous" (rely on network policy). */
    NONE
}
