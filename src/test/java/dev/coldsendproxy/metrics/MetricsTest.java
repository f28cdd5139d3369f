package dev.coldsendproxy.metrics;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
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

/** The Prometheus scrape moves as traffic flows, under the names the README lists. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class MetricsTest extends ProxyTestBase {

    private static final String REQUESTS = "proxy_lead_requests_total";
    private static final String ANONYMOUS = "consumer=\"anonymous\"";

    @TestHTTPResource("/")
    URI base;

    @Test
    void countsLeadRequestsByOutcome() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        Metrics before = Metrics.scrape();

        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        given().get(leadPath(campaign, leadId)).then().statusCode(200);
        given().get(leadPath(campaign, "not-a-uuid")).then().statusCode(400);
        ticker.advance(Duration.ofSeconds(31));
        upstreamAnswers(campaign, leadId, error(500, "boom"));
        given().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "STALE");

        Metrics after = Metrics.scrape();
        assertThat(delta(before, after, REQUESTS, "outcome=\"miss\"", ANONYMOUS)).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"hit\"", ANONYMOUS)).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"rejected\"", ANONYMOUS)).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"stale\"", ANONYMOUS)).isEqualTo(1);
    }

    @Test
    void countsCoalescedWaitersApartFromTheLeader() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)).withFixedDelay(1_500));
        URI uri = base.resolve(leadPath(campaign, leadId));
        Metrics before = Metrics.scrape();

        CompletableFuture<HttpResponse<byte[]>> leader = ConcurrentGets.send(uri);
        // The leader's call is on its way to Coldsend: the next three find it in flight and wait for it.
        await().atMost(Duration.ofSeconds(10)).until(() -> upstreamCalls(campaign, leadId) == 1);
        List<HttpResponse<byte[]>> waiters = ConcurrentGets.getAll(List.of(uri, uri, uri));
        assertThat(leader.join().statusCode()).isEqualTo(200);

        Metrics after = Metrics.scrape();
        assertThat(waiters).allSatisfy(waiter -> assertThat(waiter.statusCode()).isEqualTo(200));
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"miss\"")).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"coalesced\"")).isEqualTo(3);
        assertThat(delta(before, after, REQUESTS, "outcome=\"hit\"")).isZero();
    }

    @Test
    void timesUpstreamAttemptsByStatusClassAndCountsRetries() {
        String found = uuid();
        String failing = uuid();
        String campaign = uuid();
        upstreamAnswers(campaign, found, lead(leadBody(found)));
        upstreamAnswers(campaign, failing, error(503, "down"));
        Metrics before = Metrics.scrape();

        given().get(leadPath(campaign, found)).then().statusCode(200);
        given().get(leadPath(campaign, failing)).then().statusCode(502);

        Metrics after = Metrics.scrape();
        assertThat(delta(before, after, "proxy_upstream_requests_seconds_count", "status_class=\"2xx\"")).isEqualTo(1);
        assertThat(delta(before, after, "proxy_upstream_requests_seconds_count", "status_class=\"5xx\"")).isEqualTo(3);
        assertThat(after.has("proxy_upstream_requests_seconds_bucket")).isTrue();
        assertThat(after.value("proxy_upstream_requests_seconds_bucket", "status_class=\"2xx\"", "le=\"+Inf\""))
                .isEqualTo(after.value("proxy_upstream_requests_seconds_count", "status_class=\"2xx\""));
        // SmallRye Fault Tolerance's own meters: retries and the breaker's state.
        assertThat(delta(before, after, "ft_retry_retries_total", "GuardedColdsend")).isEqualTo(2);
        assertThat(after.has("ft_circuitbreaker_state_current")).isTrue();
        assertThat(after.has("ft_invocations_total")).isTrue();
        assertThat(after.value("proxy_upstream_circuit_state", "state=\"closed\"")).isEqualTo(1);
        assertThat(after.value("proxy_upstream_circuit_state", "state=\"open\"")).isEqualTo(0);
    }

    @Test
    void reportsCacheEntriesBytesAndQuotaWindows() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        Metrics before = Metrics.scrape();

        given().get(leadPath(campaign, leadId)).then().statusCode(200);

        Metrics after = Metrics.scrape();
        assertThat(after.value("cache_size", "cache=\"leads\"")).isGreaterThanOrEqualTo(1);
        assertThat(after.has("cache_evictions_total")).isTrue();
        assertThat(delta(before, after, "proxy_cache_bytes")).isEqualTo(leadBody(leadId).length + 320);
        assertThat(after.value("proxy_cache_max_bytes")).isEqualTo(64 * 1024 * 1024);
        assertThat(delta(before, after, "proxy_quota_remaining", "window=\"minute\"")).isEqualTo(-1);
        assertThat(delta(before, after, "proxy_quota_spent", "window=\"hour\"")).isEqualTo(1);
        assertThat(after.value("proxy_quota_limit", "window=\"minute\"")).isEqualTo(50_000);
        assertThat(after.value("proxy_quota_budget_low")).isZero();
        assertThat(after.text()).doesNotContain(ColdsendStubResource.PROXY_KEY);
    }

    @Test
    void countsColdsendsOwn429sApartFromTheCallers429s() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withHeader("Content-Type", "application/json").withBody("{\"detail\": \"Rate limit exceeded\"}"));
        Metrics before = Metrics.scrape();

        given().get(leadPath(campaign, leadId)).then().statusCode(429);

        Metrics after = Metrics.scrape();
        assertThat(delta(before, after, "proxy_upstream_rate_limited_total")).isEqualTo(1);
        assertThat(delta(before, after, "proxy_lead_rate_limited_total", ANONYMOUS)).isEqualTo(1);
        assertThat(delta(before, after, REQUESTS, "outcome=\"rejected\"", ANONYMOUS)).isEqualTo(1);
    }

    private static double delta(Metrics before, Metrics after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }
}
