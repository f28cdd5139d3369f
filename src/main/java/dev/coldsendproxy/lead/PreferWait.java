package dev.coldsendproxy.lead;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code wait} preference of a {@code Prefer} request header (RFC 7240 §4.3): how many seconds
 * the caller will wait for an answer, here for a budget unit. Other preferences are ignored; an
 * unreadable value counts as not said, so a typo never makes the proxy wait longer.
 */
final class PreferWait {

    /** The caller said nothing (or nothing readable): the proxy's own default applies. */
    static final long NOT_SAID = -1;

    private PreferWait() {
    }

    /** Nanoseconds the caller prefers to wait, or {@link #NOT_SAID}. */
    static long parse(String header) {
        if (header == null || header.isEmpty()) {
            return NOT_SAID;
        }
        for (String preference : header.split(",")) {
            String token = preference.split(";", 2)[0].trim();
            int equals = token.indexOf('=');
            if (equals > 0 && token.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("wait")) {
                return seconds(unquote(token.substring(equals + 1).trim()));
            }
        }
        return NOT_SAID;
    }

    private static long seconds(String value) {
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return NOT_SAID;
        }
        return TimeUnit.SECONDS.toNanos(Long.parseLong(value));
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1)
                : value;
    }
}
