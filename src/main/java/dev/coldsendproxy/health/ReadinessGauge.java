package dev.coldsendproxy.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

/**
 * Readiness as a metric, {@code proxy_ready} (1 when every readiness check is UP), so an alert on
 * a replica that is not ready needs nothing but the proxy's own scrape: Prometheus discovers a
 * Service's not-ready endpoints too, and the pods are scraped by annotation besides. Evaluated on
 * each scrape; the checks only read state already held.
 */
@ApplicationScoped
class ReadinessGauge {

    void register(@Observes StartupEvent event, MeterRegistry registry, @Any @Readiness Instance<HealthCheck> checks) {
        Gauge.builder("proxy.ready", checks, ReadinessGauge::allUp)
                .description("1 while every readiness check of this replica is UP (/q/health/ready answers 200)")
                .strongReference(true)
                .register(registry);
    }

    private static double allUp(Instance<HealthCheck> checks) {
        for (HealthCheck check : checks) {
            if (check.call().getStatus() != HealthCheckResponse.Status.UP) {
                return 0;
            }
        }
        return 1;
    }
}
