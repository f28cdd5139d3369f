package dev.coldsendproxy.lead;

/** How a lead request was answered, as reported in {@code X-Cache}, logs and metrics. */
public enum CacheOutcome {
    /** Fresh copy from the cache; nothing spent. */
    HIT("HIT"),
    /** This request's own upstream call. */
    MISS("MISS"),
    /** Waited for another request's upstream call for the same lead; nothing spent. */
    COALESCED("MISS"),
    /** A copy past its TTL, served because Coldsend failed, the budget is low, or refresh-ahead is on. */
    STALE("STALE");

    private final String header;

    CacheOutcome(String header) {
        this.header = header;
    }

    /** Value of the {@code X-Cache} header. */
    public String header() {
        return header;
    }
}
