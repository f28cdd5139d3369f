package dev.coldsendproxy.cache;

import java.util.Locale;

/**
 * Identity of one cached lead: the campaign and lead UUIDs in canonical lower case, so that
 * {@code ABC...} and {@code abc...} share one entry and one upstream call.
 */
public record LeadKey(String campaignId, String leadId) {

    /**
     * {@code value} in canonical lower case if it is a UUID in the strict 8-4-4-4-12 hex form (unlike
     * the lenient {@code UUID.fromString}), else null. Only such ids ever reach a key, and so an
     * upstream URL or a Redis key.
     */
    public static String canonicalId(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !isAsciiHex(c)) {
                return null;
            }
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
