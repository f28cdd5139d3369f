package dev.coldsendproxy.consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.quota.Units;
import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** Consumers authenticate with their own keys and each gets its share of the Coldsend budget. */
@QuarkusTest
@TestProfile(TwoConsumersProfile.class)
@WithTestResource(ColdsendStubResource.class)
class ConsumerKeysTest extends ProxyTestBase {

    @Test
    void refusesACallerWithoutAKey() {
        Response response = given().get(leadPath(uuid(), uuid()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).startsWith("API key required");
        assertThat(upstreamCalls()).isZero();
    }

    @Test
    void refusesAWrongKey() {
        Response response = given().header("X-API-Key", TwoConsumersProfile.ALPHA_KEY + "x").get(leadPath(uuid(), uuid()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.jsonPath().getString("detail")).isEqualTo("Invalid or revoked API key");
        assertThat(upstreamCalls()).isZero();
    }

    @Test
    void servesAKnownConsumerAndForwardsOnlyTheProxyKey() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        Response response = given().header("X-API-Key", TwoConsumersProfile.BETA_KEY).get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("RateLimit-Limit")).isEqualTo("5");
        // One sent, but idle alpha's share is lent (all but its holdback): more than beta's own 4 is
        // left, and remaining never shows more than beta's guarantee.
        assertThat(response.header("RateLimit-Remaining")).isEqualTo("5");
        assertThat(Long.parseLong(response.header("RateLimit-Reset")))
                .isBetween(1L, Units.retryAfterSeconds(Units.MINUTE + inFlight().toNanos()));
        coldsend.verify(1, getRequestedFor(urlPathMatching(".*")).withHeader("X-API-Key", equalTo(ColdsendStubResource.PROXY_KEY)));
    }

    @Test
    void lendsAnIdleShareToAFloodingConsumerAndServesTheOtherFromItsHoldback() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));

        List<Integer> alpha = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            alpha.add(given().header("X-API-Key", TwoConsumersProfile.ALPHA_KEY).get(leadPath(campaign, uuid())).statusCode());
        }
        List<Response> beta = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            beta.add(given().header("X-API-Key", TwoConsumersProfile.BETA_KEY).get(leadPath(campaign, uuid())));
        }

        assertThat(alpha).as("its own 5 and beta's idle 5 less beta's holdback (10%, at least 1)")
                .filteredOn(status -> status == 200).hasSize(9);
        assertThat(alpha).filteredOn(status -> status == 429).hasSize(11);
        assertThat(beta.get(0).statusCode()).as("served at once from its holdback").isEqualTo(200);
        assertThat(beta.subList(1, 5)).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.jsonPath().getString("detail")).contains("the proxy's Coldsend budget is spent");
        });
        Response alphaAgain = given().header("X-API-Key", TwoConsumersProfile.ALPHA_KEY).get(leadPath(campaign, uuid()));
        assertThat(alphaAgain.jsonPath().getString("detail")).contains("your share");
        assertThat(alphaAgain.header("RateLimit-Remaining")).isNull();
        assertThat(upstreamCalls()).isEqualTo(10);
    }

    @Test
    void neverLogsOrForwardsAnyKey() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(401, "Invalid or revoked API key"));

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("X-API-Key", TwoConsumersProfile.ALPHA_KEY).get(leadPath(campaign, leadId));
            given().header("X-API-Key", "wrong-TEST-ONLY-key").get(leadPath(campaign, leadId));

            assertThat(logs.lines()).isNotEmpty().noneSatisfy(line -> assertThat(line)
                    .containsAnyOf(TwoConsumersProfile.ALPHA_KEY, "wrong-TEST-ONLY-key", ColdsendStubResource.PROXY_KEY));
        }
        coldsend.verify(0, getRequestedFor(urlPathMatching(".*")).withHeader("X-API-Key",
                equalTo(TwoConsumersProfile.ALPHA_KEY)));
    }
}
