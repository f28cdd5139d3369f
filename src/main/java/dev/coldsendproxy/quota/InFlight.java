package dev.coldsendproxy.quota;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    /**
     * Read by name, not through {@code upstream.ColdsendConfig}: quota knows the upstream only through
     * its attempt gate ({@code ArchitectureTest}). The default is the mapping's (2s).
     */
    @Inject
    InFlight(@ConfigProperty(name = "coldsend.http.attempt-timeout") Duration attemptTimeout) {
        this.longest = attemptTimeout.plusNanos(QuotaGates.Prepaid.PREPAID_GRACE);
    }

    /** How long after its grant a request may still reach Coldsend. */
    public Duration longest() {
        return longest;
    }
}
