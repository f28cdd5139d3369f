package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import io.restassured.response.Response;

/** If-None-Match answers 304 without a body; Cache-Control: no-cache makes the proxy ask Coldsend again. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class ConditionalRequestsTest extends ProxyTestBase {

    @TestHTTPResource("/")
    URI base;

    @Test
    void answersNotModifiedWithoutABodyWhenTheTagMatches() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String etag = given().get(leadPath(campaign, leadId)).header("ETag");

        Response notModified = given().header("If-None-Match", etag).get(leadPath(campaign, leadId));

        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.asByteArray()).isEmpty();
        assertThat(notModified.header("ETag")).isEqualTo(etag);
        assertThat(notModified.header("X-Cache")).isEqualTo("HIT");
        assertThat(notModified.header("X-Request-Id")).isNotBlank();
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void comparesWeaklyAndAcceptsListsAndTheWildcard() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String etag = given().get(leadPath(campaign, leadId)).header("ETag");

        assertThat(statusWith(campaign, leadId, "\"other\", W/" + etag)).isEqualTo(304);
        assertThat(statusWith(campaign, leadId, "*")).isEqualTo(304);
        assertThat(statusWith(campaign, leadId, "\"other\", W/\"x\"")).isEqualTo(200);
        assertThat(statusWith(campaign, leadId, etag.substring(0, etag.length() - 2) + "\"")).isEqualTo(200);
    }

    @Test
    void comparesWithTheCurrentTagAfterARefetch() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String etag = given().get(leadPath(campaign, leadId)).header("ETag");
        ticker.advance(Duration.ofSeconds(31));

        Response unchanged = given().header("If-None-Match", etag).get(leadPath(campaign, leadId));
        ticker.advance(Duration.ofSeconds(31));
        byte[] changed = "{\"lead_id\":\"changed\"}".getBytes(StandardCharsets.UTF_8);
        upstreamAnswers(campaign, leadId, lead(changed));
        Response modified = given().header("If-None-Match", etag).get(leadPath(campaign, leadId));

        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.header("X-Cache")).isEqualTo("MISS");
        assertThat(modified.statusCode()).isEqualTo(200);
        assertThat(modified.asByteArray()).isEqualTo(changed);
        assertThat(modified.header("ETag")).isNotEqualTo(etag);
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(3);
    }

    @Test
    void neverAnswersNotModifiedForAMissingLead() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(404, "Lead not found"));
        given().get(leadPath(campaign, leadId)).then().statusCode(404);

        Response again = given().header("If-None-Match", "*").get(leadPath(campaign, leadId));

        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.asString()).contains("Lead not found");
    }

    @Test
    void noCacheRevalidatesAFreshCopyWithColdsend() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        byte[] changed = "{\"lead_id\":\"changed\"}".getBytes(StandardCharsets.UTF_8);
        upstreamAnswers(campaign, leadId, lead(changed));

        Response revalidated = given().header("Cache-Control", "no-cache").get(leadPath(campaign, leadId));
        Response afterwards = given().get(leadPath(campaign, leadId));

        assertThat(revalidated.header("X-Cache")).isEqualTo("MISS");
        assertThat(revalidated.asByteArray()).isEqualTo(changed);
        assertThat(afterwards.header("X-Cache")).isEqualTo("HIT");
        assertThat(afterwards.asByteArray()).isEqualTo(changed);
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }

    @Test
    void concurrentRevalidationsShareOneUpstreamCall() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)).withFixedDelay(400));
        URI uri = base.resolve(leadPath(campaign, leadId));
        Metrics before = Metrics.scrape();

        List<CompletableFuture<HttpResponse<byte[]>>> pending = List.of(
                ConcurrentGets.send(uri, "Cache-Control", "no-cache"),
                ConcurrentGets.send(uri, "Cache-Control", "no-cache"),
                ConcurrentGets.send(uri, "Cache-Control", "max-age=0, no-cache"));
        List<Integer> statuses = pending.stream().map(ConcurrentGets::await).map(HttpResponse::statusCode).toList();

        Metrics after = Metrics.scrape();
        assertThat(statuses).containsOnly(200);
        assertThat(after.value("proxy_lead_requests_total", "outcome=\"miss\"")
                - before.value("proxy_lead_requests_total", "outcome=\"miss\"")).isEqualTo(1);
        assertThat(after.value("proxy_lead_requests_total", "outcome=\"coalesced\"")
                - before.value("proxy_lead_requests_total", "outcome=\"coalesced\"")).isEqualTo(2);
    }

    private static int statusWith(String campaign, String leadId, String ifNoneMatch) {
        return given().header("If-None-Match", ifNoneMatch).get(leadPath(campaign, leadId)).statusCode();
    }
}
