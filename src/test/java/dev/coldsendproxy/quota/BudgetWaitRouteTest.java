package dev.coldsendproxy.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import jakarta.inject.Inject;

/**
 * A cold ask the budget refuses waits a short while for a unit (proxy.quota.max-wait,
 * {@code Prefer: wait}) instead of a 429, on the manual clock: served once a unit frees, one wait
 * and one upstream call for concurrent askers of the lead, and a 429 at once when no unit frees in time.
 */
@QuarkusTest
@TestProfile(SmallQuotaProfile.class)
@WithTestResource(ColdsendStubResource.class)
class BudgetWaitRouteTest extends ProxyTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URI proxy;

    @Inject
    BudgetWaits waits;

    @Test
    void servesAWaitingColdAskOnceAUnitFreesWithOneUpstreamCallForItsConcurrentAskers() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswersEveryLead(lead(leadBody(leadId)));
        spendTheMinuteSoThatAUnitFreesInHalfASecond(campaign);

        CompletableFuture<HttpResponse<byte[]>> first = ConcurrentGets.send(uri(campaign, leadId), "Prefer", "wait=5");
        CompletableFuture<HttpResponse<byte[]>> second = ConcurrentGets.send(uri(campaign, leadId), "Prefer", "wait=5");
        await().atMost(PATIENCE).until(() -> waits.waiting() == 1);
        assertThat(upstreamCalls()).as("nothing sent while the minute is spent").isEqualTo(SmallQuotaProfile.PER_MINUTE);
        assertThat(first).isNotDone();

        ticker.advance(Duration.ofSeconds(1));

        List<HttpResponse<byte[]>> answers = List.of(ConcurrentGets.await(first), ConcurrentGets.await(second));
        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        assertThat(answers).extracting(answer -> answer.body()).allSatisfy(body -> assertThat(body).isEqualTo(leadBody(leadId)));
        assertThat(upstreamCalls(campaign, leadId)).as("one wait, one call, for both askers").isEqualTo(1);
        assertThat(Metrics.scrape().value("proxy_quota_waits_total", "outcome=\"served\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void answers429AtOnceWhenNoUnitFreesWithinTheWait() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
        for (int i = 0; i < SmallQuotaProfile.PER_MINUTE; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200); // the next unit frees in a minute and its time in flight
        }
        double notQueued = Metrics.scrape().value("proxy_quota_waits_total", "outcome=\"not_queued\"");

        Response refused = given().header("Prefer", "wait=5").get(leadPath(campaign, uuid()));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After")))
                .isBetween(55 + inFlight().toSeconds(), Units.retryAfterSeconds(Units.MINUTE + inFlight().toNanos()));
        assertThat(Metrics.scrape().value("proxy_quota_waits_total", "outcome=\"not_queued\"")).isEqualTo(notQueued + 1);
        assertThat(upstreamCalls()).isEqualTo(SmallQuotaProfile.PER_MINUTE);
    }

    @Test
    void waitsNotAtAllWhenTheCallerPrefersNoWait() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
        spendTheMinuteSoThatAUnitFreesInHalfASecond(campaign);

        Response refused = given().header("Prefer", "wait=0").get(leadPath(campaign, uuid()));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(waits.waiting()).isZero();
    }

    /**
     * One send, then the rest of the minute's units 59.5 s and its time in flight later: the first
     * leaves the key's window in 0.5 s.
     */
    private void spendTheMinuteSoThatAUnitFreesInHalfASecond(String campaign) {
        given().get(leadPath(campaign, uuid())).then().statusCode(200);
        ticker.advance(Duration.ofMillis(59_500).plus(inFlight()));
        for (int i = 1; i < SmallQuotaProfile.PER_MINUTE; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200);
        }
    }

    private URI uri(String campaign, String leadId) {
        return proxy.resolve(leadPath(campaign, leadId));
    }
}
