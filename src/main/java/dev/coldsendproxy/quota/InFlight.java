package dev.coldsendproxy.quota;

import java.time.Duration;

import dev.coldsendproxy.upstream.ColdsendConfig;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The longest a request may take from its grant to reaching Coldsend: a paid unit's grace before
 * its first attempt starts ({@link QuotaGates.Prepaid#PREPAID_GRACE}), then one attempt, which
 * {@code coldsend.http.attempt-timeout} bounds from asking for a connection on (2.1 s by default).
 * Whatever counts a send as possibly still on its way (a lease's cover in Redis, the wait for
 * Coldsend's first answer after a start) counts it this long, so a longer attempt timeout is covered.
 */
@Singleton
public class InFlight {

    private final Duration longest;

    @Inject
    InFlight(ColdsendConfig coldsend) {
        this(coldsend.http().attemptTimeout().plusNanos(QuotaGates.Prepaid.PREPAID_GRACE));
    }

    /** {@code longest}: as derived from the configuration, or chosen by a test. */
    InFlight(Duration longest) {
        this.longest = longest;
    }

    /** How long after its grant a request may still reach Coldsend. */
    Duration longest() {
        return longest;
    }
}
