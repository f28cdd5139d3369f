package dev.coldsendproxy.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.Management;
import dev.coldsendproxy.support.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Without a Coldsend key (prod refuses to start; dev and test start anyway) the proxy can serve
 * nothing: readiness is DOWN while liveness stays UP (restarting would not help).
 */
@QuarkusTest
@TestProfile(ReadinessWithoutKeyTest.NoColdsendKey.class)
class ReadinessWithoutKeyTest {

    @Test
    void isNotReadyWithoutAColdsendKey() {
        given().get(Management.url("/q/health/ready")).then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'proxy-can-serve' }.data.coldsend_key_configured", equalTo(false))
                .body("checks.find { it.name == 'coldsend-upstream' }.status", equalTo("UP"));
        given().get(Management.url("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
        // The same as a metric, for the ProxyReplicaNotReady alert.
        Metrics scrape = Metrics.scrape();
        assertThat(scrape.has("proxy_ready")).isTrue();
        assertThat(scrape.value("proxy_ready")).isZero();
    }

    /** A blank key, as an unset environment variable would leave it. */
    public static class NoColdsendKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coldsend.api-key", " ", "coldsend.base-url", "http://localhost:1");
        }
    }
}
