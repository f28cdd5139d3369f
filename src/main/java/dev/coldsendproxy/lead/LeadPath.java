package dev.coldsendproxy.lead;

import dev.coldsendproxy.cache.LeadKey;

/**
 * Reads the two ids straight out of a lead path, so that {@link FreshHitRoute} can be a route
 * without a path: a Vert.x route with path parameters matches every request against a regex and
 * copies the parameters into a map, and even a prefix route copies the rest of the path into one;
 * work a cache hit does not need (docs/benchmarks.md).
 */
final class LeadPath {

    /** The lead route's template, as JAX-RS declares it and spans and access lines name it (never the ids). */
    static final String TEMPLATE = "/api/public/v1/campaigns/{campaign_id}/leads/{lead_id}";

    /** Every lead path starts so; the fast route listens on this prefix. */
    static final String PREFIX = "/api/public/v1/campaigns/";

    private static final String LEADS = "/leads/";
    private static final int ID_LENGTH = 36;
    private static final int CAMPAIGN_AT = PREFIX.length();
    private static final int LEADS_AT = CAMPAIGN_AT + ID_LENGTH;
    private static final int LEAD_AT = LEADS_AT + LEADS.length();
    private static final int LENGTH = LEAD_AT + ID_LENGTH;

    private LeadPath() {
    }

    /**
     * Whether {@code path} is the prefix or under it: what a Vert.x route on {@code PREFIX*} would
     * match, without the wildcard parameter (a substring and a map) such a route makes per request.
     */
    static boolean underPrefix(String path) {
        return path.startsWith(PREFIX) || path.length() == CAMPAIGN_AT - 1 && PREFIX.startsWith(path);
    }

    /**
     * Whether {@code path} has the lead route's shape, {@code PREFIX<one segment>/leads/<one segment>},
     * whatever the segments hold (bad ids included): the resource answers it, so it is that route.
     */
    static boolean onRoute(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        int leads = path.indexOf(LEADS, CAMPAIGN_AT);
        return leads > CAMPAIGN_AT && path.indexOf('/', CAMPAIGN_AT) == leads
                && path.length() > leads + LEADS.length() && path.indexOf('/', leads + LEADS.length()) < 0;
    }

    /**
     * The key of {@code path} when it is exactly {@code PREFIX<uuid>/leads/<uuid>} with two strict
     * UUIDs ({@link LeadKey#canonicalId}), else null: the caller then leaves the request to
     * {@link LeadResource}, which answers every other shape with its usual errors.
     */
    static LeadKey keyOrNull(String path) {
        if (path == null || path.length() != LENGTH || !path.startsWith(PREFIX) || !path.startsWith(LEADS, LEADS_AT)) {
            return null;
        }
        String campaignId = LeadKey.canonicalId(path.substring(CAMPAIGN_AT, LEADS_AT));
        String leadId = LeadKey.canonicalId(path.substring(LEAD_AT));
        return campaignId == null || leadId == null ? null : new LeadKey(campaignId, leadId);
    }
}
