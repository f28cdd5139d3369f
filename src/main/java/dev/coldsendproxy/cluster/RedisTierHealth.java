package dev.coldsendproxy.cluster;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reports the Redis tier's mode under {@code /q/health/well} (and {@code /q/health}): a wellness
 * check, never liveness or readiness, because a replica cut off from Redis still serves correctly
 * (local-only) and an optional tier going down must not restart pods or take them out of rotation.
 * Always UP; the data says {@code mode} (DISABLED, SHARED, LOCAL_ONLY), since when, and why.
 */
@Wellness
@ApplicationScoped
public class RedisTierHealth implements HealthCheck {

    private final RedisTierState state;

    RedisTierHealth(RedisTierState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("redis-tier").up();
        state.healthData().forEach((name, value) -> response.withData(name, String.valueOf(value)));
        return response.build();
    }
}
