package dev.coldsendproxy.quota;

/**
 * The governor's answer to "may one more request go to Coldsend now?". A refusal says why in
 * words for the caller, how long to wait, and whether it is Coldsend itself that asked us to back
 * off while overloaded (a 503 for callers) rather than the budget being spent (a 429).
 */
public record Grant(boolean granted, String reason, long retryAfterSeconds, boolean upstreamOverloaded) {

    static final Grant GRANTED = new Grant(true, null, 0, false);

    static Grant refused(String reason, long waitNanos) {
        return new Grant(false, reason, Units.retryAfterSeconds(waitNanos), false);
    }

    static Grant overloaded(String reason, long waitNanos) {
        return new Grant(false, reason, Units.retryAfterSeconds(waitNanos), true);
    }
}
