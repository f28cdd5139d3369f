package dev.coldsendproxy.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** A consumer's own max-stale: how old an answer it takes, on every request, when no fresh one can be had. */
@QuarkusTest
@TestProfile(TwoConsumersProfile.class)
@WithTestResource(ColdsendStubResource.class)
class ConsumerToleranceTest extends ProxyTestBase {

    @Test
    void servesAConsumerThatAcceptsDayOldAnswersAnHourOldCopyWhenColdsendFails() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        byte[] first = given().header("X-API-Key", TwoConsumersProfile.BETA_KEY).get(leadPath(campaign, leadId)).asByteArray();
        ticker.advance(Duration.ofHours(1));
        upstreamAnswers(campaign, leadId, error(500, "Internal Server Error"));

        Response beta = given().header("X-API-Key", TwoConsumersProfile.BETA_KEY).get(leadPath(campaign, leadId));
        Response alpha = given().header("X-API-Key", TwoConsumersProfile.ALPHA_KEY).get(leadPath(campaign, leadId));

        assertThat(beta.statusCode()).isEqualTo(200);
        assertThat(beta.header("X-Cache")).isEqualTo("STALE");
        assertThat(beta.header("Age")).isEqualTo("3600");
        assertThat(beta.asByteArray()).isEqualTo(first);
        assertThat(alpha.statusCode()).as("alpha keeps the proxy's 10-minute stale-if-error").isGreaterThanOrEqualTo(500);
        assertThat(alpha.header("X-Cache")).isNull();
    }
}
