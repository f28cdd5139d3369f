package dev.coldsendproxy.cache;

/**
 * What a loader hands the cache: an answer worth keeping (a lead or a not-found), as the
 * upstream's exact bytes. Failures are never {@code Fetched}: they fail the load instead.
 */
public record Fetched(int status, byte[] body) {
}
