package dev.coldsendproxy.lead;

import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.error.ProblemException;

/**
 * Checks the two path parameters strictly ({@link LeadKey#canonicalId}) so that bad input costs
 * nothing upstream and nothing but a UUID is ever put into an upstream URL.
 */
final class LeadIds {

    private LeadIds() {
    }

    /** @throws ProblemException 400 naming the parameter that is not a UUID */
    static LeadKey parse(String campaignId, String leadId) {
        return new LeadKey(canonical("campaign_id", campaignId), canonical("lead_id", leadId));
    }

    static String canonical(String name, String value) {
        String canonical = LeadKey.canonicalId(value);
        if (canonical == null) {
            throw new ProblemException(400, name + " must be a UUID such as 3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01");
        }
        return canonical;
    }
}
