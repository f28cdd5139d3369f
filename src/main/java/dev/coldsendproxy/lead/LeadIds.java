package dev.coldsendproxy.lead;

import java.util.Locale;

import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.error.ProblemException;

/**
 * Checks the two path parameters strictly (the canonical 8-4-4-4-12 hex form, unlike the lenient
 * {@code UUID.fromString}) so that bad input costs nothing upstream and nothing but a UUID is ever
 * put into an upstream URL.
 */
final class LeadIds {

    private LeadIds() {
    }

    /** @throws ProblemException 400 naming the parameter that is not a UUID */
    static LeadKey parse(String campaignId, String leadId) {
        return new LeadKey(canonical("campaign_id", campaignId), canonical("lead_id", leadId));
    }

    static String canonical(String name, String value) {
        if (!isUuid(value)) {
            throw new ProblemException(400, name + " must be a UUID such as 3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static boolean isUuid(String value) {
        if (value == null || value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isAsciiHex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
