package dev.coldsendproxy.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.coldsendproxy.quota.QuotaGovernor;
import dev.coldsendproxy.upstream.ColdsendClient;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reports Coldsend's state (breaker, budget) as data but always UP: when Coldsend fails or the
 * budget is spent, the cache still answers hits and stale copies, and taking every replica out
 * of rotation would turn an upstream problem into a full outage.
 */
@Readiness
@ApplicationScoped
class UpstreamCheck implements HealthCheck {

    private final ColdsendClient upstream;
    private final QuotaGovernor quota;

    UpstreamCheck(ColdsendClient upstream, QuotaGovernor quota) {
        this.upstream = upstream;
        this.quota = quota;
    }

    @Override
    public HealthCheckResponse call() {
        int[] remaining = quota.sharedRemaining();
        return HealthCheckResponse.named("coldsend-upstream")
                .up()
                .withData("circuit_breaker", upstream.breakerState().name())
                .withData("quota_budget_low", quota.budgetLow())
                .withData("quota_remaining_minute", remaining[0])
                .withData("quota_remaining_hour", remaining[1])
                .build();
    }
}
