package dev.coldsendproxy.lead;

/**
 * {@code If-None-Match} as the lead route honours it: answered with 304 when a listed tag matches
 * the current ETag (RFC 9110 section 13.1.2, weak comparison). {@code Cache-Control} is
 * {@link RequestDirectives}'s.
 */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * Whether {@code ifNoneMatch} names {@code etag}: {@code *}, or a comma-separated list of
     * entity tags compared weakly ({@code W/"x"} matches {@code "x"}).
     */
    static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = stripWeak(etag);
        int length = ifNoneMatch.length();
        int i = 0;
        while (i < length) {
            while (i < length && (ifNoneMatch.charAt(i) == ' ' || ifNoneMatch.charAt(i) == '\t'
                    || ifNoneMatch.charAt(i) == ',')) {
                i++;
            }
            if (i >= length) {
                break;
            }
            if (ifNoneMatch.charAt(i) == '*') {
                return true;
            }
            int start = i;
            if (ifNoneMatch.startsWith("W/", i)) {
                i += 2;
            }
            if (i < length && ifNoneMatch.charAt(i) == '"') {
                int close = ifNoneMatch.indexOf('"', i + 1);
                if (close < 0) {
                    return false;
                }
                if (ifNoneMatch.regionMatches(i, opaque, 0, opaque.length()) && close + 1 - i == opaque.length()) {
                    return true;
                }
                i = close + 1;
            } else {
                int comma = ifNoneMatch.indexOf(',', start);
                i = comma < 0 ? length : comma;
            }
        }
        return false;
    }

    private static String stripWeak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
