package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The lead route honours the caller's Cache-Control request directives (RFC 9111 §5.2.1) with true Age and X-Cache. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class RequestDirectivesRouteTest extends ProxyTestBase {

    @Test
    void servesACopyWithinMaxStaleLongAfterTheStaleIfErrorWindowWhenColdsendFails() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        byte[] first = given().get(leadPath(campaign, leadId)).asByteArray();
        ticker.advance(Duration.ofHours(3));
        upstreamAnswers(campaign, leadId, error(500, "Internal Server Error"));

        Response tolerant = given().header("Cache-Control", "max-stale=86400").get(leadPath(campaign, leadId));
        Response strict = given().get(leadPath(campaign, leadId));

        assertThat(tolerant.statusCode()).isEqualTo(200);
        assertThat(tolerant.header("X-Cache")).isEqualTo("STALE");
        assertThat(tolerant.header("Age")).isEqualTo("10800");
        assertThat(tolerant.asByteArray()).isEqualTo(first);
        assertThat(strict.statusCode()).as("past stale-if-error (10 min) without max-stale").isGreaterThanOrEqualTo(500);
    }

    @Test
    void answersOnlyIfCachedWithoutACopyWith504AndNeverAsksColdsend() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        Response response = given().header("Cache-Control", "only-if-cached").get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.jsonPath().getString("detail")).contains("only-if-cached");
        assertThat(upstreamCalls(campaign, leadId)).isZero();
    }

    @Test
    void answersOnlyIfCachedFromAFreshOrTolerableStaleCopyWithoutAskingColdsend() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);

        Response fresh = given().header("Cache-Control", "only-if-cached").get(leadPath(campaign, leadId));
        ticker.advance(Duration.ofMinutes(5));
        Response stale = given().header("Cache-Control", "only-if-cached").get(leadPath(campaign, leadId));
        ticker.advance(Duration.ofMinutes(30));
        Response tooOld = given().header("Cache-Control", "only-if-cached").get(leadPath(campaign, leadId));

        assertThat(fresh.header("X-Cache")).isEqualTo("HIT");
        assertThat(stale.header("X-Cache")).isEqualTo("STALE");
        assertThat(stale.header("Age")).isEqualTo("300");
        assertThat(tooOld.statusCode()).isEqualTo(504);
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void fetchesAgainWhenTheCopyIsOlderThanMaxAgeOrNotFreshForMinFresh() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(20));

        Response plain = given().get(leadPath(campaign, leadId));
        Response youngEnough = given().header("Cache-Control", "max-age=25").get(leadPath(campaign, leadId));
        Response maxAge = given().header("Cache-Control", "max-age=10").get(leadPath(campaign, leadId));
        ticker.advance(Duration.ofSeconds(20));
        Response minFresh = given().header("Cache-Control", "min-fresh=20").get(leadPath(campaign, leadId));

        assertThat(plain.header("X-Cache")).isEqualTo("HIT");
        assertThat(youngEnough.header("X-Cache")).isEqualTo("HIT");
        assertThat(maxAge.header("X-Cache")).isEqualTo("MISS");
        assertThat(maxAge.header("Age")).isEqualTo("0");
        assertThat(minFresh.header("X-Cache")).as("10 s of freshness left, 20 asked").isEqualTo("MISS");
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(3);
    }
}
