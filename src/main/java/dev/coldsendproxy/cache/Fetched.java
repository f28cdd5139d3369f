package dev.coldsendproxy.cache;

/**
 * What a loader hands the cache: an answer worth keeping (a lead or a not-found), as the
 * upstream's exact bytes. Failures are never {@code Fetched}: they fail the load instead.
 *
 * @param ageNanos how old the answer already is when handed over: 0 for a fresh upstream answer,
 *        more for a copy another replica fetched earlier (so {@code Age} and the TTL stay true)
 */
public record Fetched(int status, byte[] body, long ageNanos) {

    /** An answer the upstream produced just now. */
    public Fetched(int status, byte[] body) {
        this(status, body, 0);
    }
}
