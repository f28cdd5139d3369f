package dev.coldsendproxy.quota;

/** The governor's answer to "may one more request go to Coldsend now?". */
public record Grant(boolean granted, String reason, long retryAfterSeconds) {

    static final Grant GRANTED = new Grant(true, null, 0);

    static Grant refused(String reason, long waitNanos) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        return new Grant(false, reason, seconds);
    }
}
