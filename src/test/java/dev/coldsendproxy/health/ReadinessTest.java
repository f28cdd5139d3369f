package dev.coldsendproxy.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Management;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.upstream.ColdsendClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import jakarta.inject.Inject;

/** Coldsend's trouble shows in the readiness data but never takes the proxy out of rotation. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class ReadinessTest extends ProxyTestBase {

    private static final String UPSTREAM = "checks.find { it.name == 'coldsend-upstream' }.";
    private static final String CAN_SERVE = "checks.find { it.name == 'proxy-can-serve' }.";

    @Inject
    ColdsendClient upstream;

    @Test
    void isReadyWithAKeyAndReportsTheUpstreamAsData() {
        given().get(Management.url("/q/health/ready")).then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(CAN_SERVE + "status", equalTo("UP"))
                .body(CAN_SERVE + "data.coldsend_key_configured", equalTo(true))
                .body(UPSTREAM + "status", equalTo("UP"))
                .body(UPSTREAM + "data.circuit_breaker", equalTo("CLOSED"))
                .body(UPSTREAM + "data.quota_budget_low", equalTo(false));
        given().get(Management.url("/q/health/live")).then().statusCode(200).body("status", equalTo("UP"));
        assertThat(Metrics.scrape().value("proxy_ready")).isEqualTo(1);
    }

    @Test
    void staysReadyWhenColdsendSaysTheBudgetIsSpent() {
        String campaign = uuid();
        String leadId = uuid();
        long reset = Instant.now().plusSeconds(60).getEpochSecond();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId))
                .withHeader("X-RateLimit-Limit", "100")
                .withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);

        given().get(Management.url("/q/health/ready")).then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(UPSTREAM + "data.quota_budget_low", equalTo(true));
    }

    @Test
    void staysReadyWhileTheCircuitBreakerIsOpen() {
        String campaign = uuid();
        upstreamAnswersEveryLead(error(500, "Internal server error"));

        await().atMost(Duration.ofSeconds(90)).until(() -> {
            given().get(leadPath(campaign, uuid()));
            return upstream.breakerState() == CircuitBreakerState.OPEN;
        });

        given().get(Management.url("/q/health/ready")).then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(UPSTREAM + "data.circuit_breaker", equalTo("OPEN"));
    }
}
