package dev.coldsendproxy.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.coldsendproxy.consumer.AuthMode;
import dev.coldsendproxy.consumer.ConsumerConfig;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import dev.coldsendproxy.upstream.ColdsendConfig;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Readiness DOWN only when this pod could answer nothing at all: no Coldsend key to call with, or
 * key authentication on without a single consumer. Production refuses to start in both cases;
 * dev and test start anyway, and this check says why they are useless.
 */
@Readiness
@ApplicationScoped
class CanServeCheck implements HealthCheck {

    private final boolean keyConfigured;
    private final boolean consumersConfigured;

    CanServeCheck(ColdsendConfig coldsend, ConsumerConfig consumerConfig, ConsumerRegistry consumers) {
        this.keyConfigured = coldsend.apiKey().map(key -> !key.isBlank()).orElse(false);
        this.consumersConfigured = consumerConfig.auth().mode() == AuthMode.NONE || !consumers.consumers().isEmpty();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("proxy-can-serve")
                .status(keyConfigured && consumersConfigured)
                .withData("coldsend_key_configured", keyConfigured)
                .withData("consumers_configured", consumersConfigured)
                .build();
    }
}
