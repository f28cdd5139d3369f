package dev.coldsendproxy.resilience;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** With refresh-ahead on, a stale copy is served at once while one background refresh replaces it. */
@QuarkusTest
@TestProfile(RefreshAheadTest.RefreshAhead.class)
@WithTestResource(ColdsendStubResource.class)
class RefreshAheadTest extends ProxyTestBase {

    public static class RefreshAhead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("proxy.cache.refresh-ahead", "true",
                    "coldsend.quota.per-minute", "10", "coldsend.quota.per-hour", "100");
        }
    }

    @Test
    void servesStaleWithoutARefreshWhenTheBudgetIsLow() {
        String campaign = uuid();
        String known = uuid();
        upstreamAnswersEveryLead(lead(leadBody(known)));
        given().get(leadPath(campaign, known)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(45));
        for (int i = 0; i < 8; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200);
        }
        int spent = upstreamCalls();

        assertThat(given().get(leadPath(campaign, known)).header("X-Cache")).isEqualTo("STALE");

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> upstreamCalls() == spent);
        assertThat(given().get(leadPath(campaign, uuid())).header("X-Cache"))
                .as("the last unit of the budget went to a lead with no answer").isEqualTo("MISS");
    }

    @Test
    void servesStaleAtOnceAndRefreshesOnceInTheBackground() {
        String campaign = uuid();
        String leadId = uuid();
        byte[] old = leadBody(leadId);
        byte[] fresh = new String(old, StandardCharsets.UTF_8).replace("SENT", "OPENED").getBytes(StandardCharsets.UTF_8);
        upstreamAnswers(campaign, leadId, lead(old));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(45));
        upstreamAnswers(campaign, leadId, lead(fresh).withFixedDelay(1_500));

        Response first = given().get(leadPath(campaign, leadId));
        Response second = given().get(leadPath(campaign, leadId));

        // Coldsend answers the refresh, slowly but well within the attempt timeout: a caller that waited
        // for it would get the fresh body as a MISS. Both got the old copy, so neither waited.
        assertThat(first.header("X-Cache")).isEqualTo("STALE");
        assertThat(first.header("Age")).isEqualTo("45");
        assertThat(first.asByteArray()).isEqualTo(old);
        assertThat(second.header("X-Cache")).isEqualTo("STALE");
        assertThat(second.asByteArray()).isEqualTo(old);

        await().atMost(Duration.ofSeconds(5)).until(() -> "HIT".equals(given().get(leadPath(campaign, leadId)).header("X-Cache")));
        assertThat(given().get(leadPath(campaign, leadId)).asByteArray()).isEqualTo(fresh);
        assertThat(upstreamCalls(campaign, leadId)).as("one fill, one coalesced refresh").isEqualTo(2);
    }
}
