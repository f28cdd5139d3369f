package dev.coldsendproxy.cluster;

/**
 * Every Redis key and channel the proxy uses, in one place so the layout documented in the README
 * stays true. Keys hold UUIDs and consumer <em>names</em> only, never the Coldsend key or a
 * consumer key. Quota keys share the hash tag {@code {quota}} so the quota script may touch them
 * all in one call on Redis Cluster too.
 */
public final class RedisKeys {

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** {@code <prefix>:lead:<campaign>:<lead>}: the shared copy of one answer (fetch time + status + body). */
    public String lead(String campaignId, String leadId) {
        return prefix + ":lead:" + campaignId + ":" + leadId;
    }

    /** SCAN pattern of one campaign's leads. */
    public String campaignPattern(String campaignId) {
        return prefix + ":lead:" + campaignId + ":*";
    }

    /** SCAN pattern of every lead. */
    public String allLeadsPattern() {
        return prefix + ":lead:*";
    }

    /** {@code <prefix>:lock:<campaign>:<lead>}: who is fetching one lead for the whole cluster. */
    public String lock(String campaignId, String leadId) {
        return prefix + ":lock:" + campaignId + ":" + leadId;
    }

    /** {@code <prefix>:{quota}:m} / {@code :h}: the key's spend in the last minute / hour. */
    public String quotaWindow(String window) {
        return prefix + ":{quota}:" + window;
    }

    /** {@code <prefix>:{quota}:c:<consumer>:m} / {@code :h}: one consumer's spend. */
    public String consumerWindow(String consumer, String window) {
        return prefix + ":{quota}:c:" + consumer + ":" + window;
    }

    /** {@code <prefix>:{quota}:epoch}: which life of Redis the windows belong to, and until when it is rebuilt. */
    public String quotaEpoch() {
        return prefix + ":{quota}:epoch";
    }

    /** {@code <prefix>:{quota}:imported}: the replicas that re-reported their sends into this epoch. */
    public String quotaImporters() {
        return prefix + ":{quota}:imported";
    }

    /** {@code <prefix>:{quota}:hold}: Coldsend asked the key to wait (429, or 503 with Retry-After): the status and when the wait ends. */
    public String quotaHold() {
        return prefix + ":{quota}:hold";
    }

    /** {@code <prefix>:{quota}:seq}: counter that makes every window member unique. */
    public String quotaSequence() {
        return prefix + ":{quota}:seq";
    }

    /** {@code <prefix>:purge}: pub/sub channel that tells every replica to drop L1 copies. */
    public String purgeChannel() {
        return prefix + ":purge";
    }
}
