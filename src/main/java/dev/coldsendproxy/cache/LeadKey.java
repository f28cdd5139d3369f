package dev.coldsendproxy.cache;

/**
 * Identity of one cached lead: the campaign and lead UUIDs in canonical lower case, so that
 * {@code ABC...} and {@code abc...} share one entry and one upstream call.
 */
public record LeadKey(String campaignId, String leadId) {
}
