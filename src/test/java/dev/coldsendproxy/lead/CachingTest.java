package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Repeated questions are answered from the cache for the configured TTLs, and nothing else is kept. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class CachingTest extends ProxyTestBase {

    @Test
    void answersARepeatedRequestFromTheCacheWithoutCallingUpstream() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        Response first = given().get(leadPath(campaign, leadId));
        Response second = given().get(leadPath(campaign, leadId));

        assertThat(first.header("X-Cache")).isEqualTo("MISS");
        assertThat(second.header("X-Cache")).isEqualTo("HIT");
        assertThat(second.asByteArray()).isEqualTo(first.asByteArray());
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void treatsUpperAndLowerCaseUuidsAsOneLead() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        Response upper = given().get(leadPath(campaign.toUpperCase(Locale.ROOT), leadId.toUpperCase(Locale.ROOT)));

        assertThat(upper.header("X-Cache")).isEqualTo("HIT");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void reportsAgeInWholeSecondsSinceUpstreamAnswered() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        assertThat(given().get(leadPath(campaign, leadId)).header("Age")).isEqualTo("0");
        ticker.advance(Duration.ofMillis(7_400));

        Response later = given().get(leadPath(campaign, leadId));
        assertThat(later.header("X-Cache")).isEqualTo("HIT");
        assertThat(later.header("Age")).isEqualTo("7");
    }

    @Test
    void fetchesAgainOnceTheTtlHasPassed() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);

        ticker.advance(Duration.ofSeconds(29));
        assertThat(given().get(leadPath(campaign, leadId)).header("X-Cache")).isEqualTo("HIT");
        ticker.advance(Duration.ofSeconds(2));
        Response afterTtl = given().get(leadPath(campaign, leadId));

        assertThat(afterTtl.header("X-Cache")).isEqualTo("MISS");
        assertThat(afterTtl.header("Age")).isEqualTo("0");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }

    @Test
    void keepsNotFoundForItsShorterTtl() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(404, "Lead not found"));

        given().get(leadPath(campaign, leadId)).then().statusCode(404);
        ticker.advance(Duration.ofSeconds(9));
        Response cached = given().get(leadPath(campaign, leadId));
        ticker.advance(Duration.ofSeconds(2));
        Response refetched = given().get(leadPath(campaign, leadId));

        assertThat(cached.statusCode()).isEqualTo(404);
        assertThat(cached.header("X-Cache")).isEqualTo("HIT");
        assertThat(refetched.statusCode()).isEqualTo(404);
        assertThat(refetched.header("X-Cache")).isEqualTo("MISS");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }

    @Test
    void neverCachesFailures() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(401, "Invalid or revoked API key"));
        given().get(leadPath(campaign, leadId)).then().statusCode(502);

        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        Response recovered = given().get(leadPath(campaign, leadId));

        assertThat(recovered.statusCode()).isEqualTo(200);
        assertThat(recovered.header("X-Cache")).isEqualTo("MISS");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }
}
