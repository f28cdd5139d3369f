package dev.coldsendproxy.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.TracingProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

import jakarta.inject.Inject;

/**
 * W3C trace context through the proxy: the caller's trace goes on to Coldsend, each attempt is a
 * client span of its own, fresh hits are not traced but logged with the caller's trace id, and no
 * key ever lands in a span.
 */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(ColdsendStubResource.class)
class TracingTest extends ProxyTestBase {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    dev.coldsendproxy.quota.BudgetWaits waits;

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI proxy;

    @BeforeEach
    void forgetEarlierSpans() {
        spans.reset();
    }

    @Test
    void continuesTheCallersTraceToColdsendUnderANewParent() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String traceId = hex(32);
        String callerSpan = hex(16);

        caller().header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .header("tracestate", "billing=t61rcWkgMzE")
                .get(leadPath(campaign, leadId)).then().statusCode(200);

        LoggedRequest sent = coldsend.findAll(getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))).get(0);
        String[] parts = sent.getHeader("traceparent").split("-");
        assertThat(parts[1]).isEqualTo(traceId);
        assertThat(parts[2]).matches("[0-9a-f]{16}").isNotEqualTo(callerSpan);
        assertThat(sent.getHeader("tracestate")).isEqualTo("billing=t61rcWkgMzE");
        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getParentSpanId()).isEqualTo(callerSpan);
        // Coldsend's parent is the proxy's attempt span, itself a child of the proxy's server span.
        SpanData attempt = await().atMost(Duration.ofSeconds(10)).until(() -> clientSpans(traceId), l -> l.size() == 1).get(0);
        assertThat(attempt.getSpanId()).isEqualTo(parts[2]);
        assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId());
    }

    @Test
    void showsEachAttemptOfARetriedMissAsASiblingClientSpan() {
        String campaign = uuid();
        String leadId = uuid();
        coldsend.stubFor(get(urlPathEqualTo(leadPath(campaign, leadId))).inScenario("retry")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(error(503, "busy")).willSetStateTo("recovered"));
        coldsend.stubFor(get(urlPathEqualTo(leadPath(campaign, leadId))).inScenario("retry")
                .whenScenarioStateIs("recovered").willReturn(lead(leadBody(leadId))));
        String traceId = hex(32);

        caller().header("traceparent", traceparent(traceId)).get(leadPath(campaign, leadId))
                .then().statusCode(200);

        List<SpanData> attempts = await().atMost(Duration.ofSeconds(10))
                .until(() -> clientSpans(traceId), l -> l.size() == 2);
        SpanData server = awaitServerSpan(traceId);
        assertThat(attempts).allSatisfy(attempt -> assertThat(attempt.getParentSpanId()).isEqualTo(server.getSpanId()));
        assertThat(attempts).extracting(a -> a.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                .containsExactlyInAnyOrder(503L, 200L);
        // Coldsend saw each attempt's own span as its parent.
        assertThat(coldsend.findAll(getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))))
                .extracting(sent -> sent.getHeader("traceparent").split("-")[2])
                .containsExactlyInAnyOrderElementsOf(attempts.stream().map(SpanData::getSpanId).toList());
    }

    @Test
    void putsConsumerCacheOutcomeStatusAndQuotaDecisionOnTheServerSpan() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String traceId = hex(32);

        caller().header("traceparent", traceparent(traceId)).get(leadPath(campaign, leadId))
                .then().statusCode(200);

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.consumer"))).isEqualTo("billing");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.cache.outcome"))).isEqualTo("miss");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.quota.decision"))).isEqualTo("granted");
        assertThat(server.getAttributes().get(AttributeKey.longKey("coldsend_proxy.upstream.status_code"))).isEqualTo(200L);
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(server.getName()).isEqualTo("GET " + ROUTE);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo(ROUTE);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo(leadPath(campaign, leadId));
    }

    @Test
    void tracesAHeadMissLikeAGet() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String traceId = hex(32);

        caller().header("traceparent", traceparent(traceId)).head(leadPath(campaign, leadId))
                .then().statusCode(200);

        LoggedRequest sent = coldsend.findAll(getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))).get(0);
        assertThat(sent.getHeader("traceparent").split("-")[1]).isEqualTo(traceId);
        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("HEAD");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.cache.outcome"))).isEqualTo("miss");
    }

    @Test
    void namesASpanByTheRouteOnlyWhenThePathIsOnIt() {
        String traceId = hex(32);

        caller().header("traceparent", traceparent(traceId))
                .get("/api/public/v1/campaigns/" + uuid() + "/notes").then().statusCode(404);

        SpanData server = awaitServerSpan(traceId);
        assertThat(server.getName()).isEqualTo("GET");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("http.route"))).isNull();
        assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(404L);
    }

    @Test
    void keepsTheColdsendAttemptOfAnAskThatWaitedForAUnitInItsTrace() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswersEveryLead(lead(leadBody(leadId)));
        for (int i = 0; i < TracingProfile.PER_MINUTE; i++) {
            caller().header("Prefer", "wait=0").get(leadPath(campaign, uuid())).then().statusCode(200);
        }
        ticker.advance(Duration.ofMillis(59_500).plus(inFlight())); // the minute's first unit frees in half a second
        String traceId = hex(32);
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<byte[]>> waiting = ConcurrentGets.send(
                proxy.resolve(leadPath(campaign, leadId)), "X-API-Key", TracingProfile.CONSUMER_KEY, "Prefer", "wait=5",
                "traceparent", traceparent(traceId));
        await().atMost(Duration.ofSeconds(10)).until(() -> waits.waiting() == 1);

        ticker.advance(Duration.ofSeconds(1)); // the unit frees; the budget's timer serves the waiter

        assertThat(ConcurrentGets.await(waiting).statusCode()).isEqualTo(200);
        LoggedRequest sent = coldsend.findAll(getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))).get(0);
        assertThat(sent.getHeader("traceparent")).as("Coldsend is told the caller's trace").contains(traceId);
        assertThat(await().atMost(Duration.ofSeconds(10)).until(() -> clientSpans(traceId), l -> !l.isEmpty()))
                .as("the attempt is in the caller's trace, not in the timer's").hasSize(1);
    }

    @Test
    void marksAnAskTheBudgetRefusedOnItsSpan() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
        for (int i = 0; i < TracingProfile.PER_MINUTE; i++) {
            caller().header("Prefer", "wait=0").get(leadPath(campaign, uuid())).then().statusCode(200);
        }
        String traceId = hex(32);

        caller().header("Prefer", "wait=0").header("traceparent", traceparent(traceId))
                .get(leadPath(campaign, uuid())).then().statusCode(429);

        SpanData refused = awaitServerSpan(traceId);
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.quota.decision"))).isEqualTo("refused");
        assertThat(refused.getAttributes().get(AttributeKey.stringKey("coldsend_proxy.cache.outcome"))).isEqualTo("rejected");
        assertThat(refused.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(429L);
        assertThat(clientSpans(traceId)).as("nothing sent to Coldsend").isEmpty();
    }

    @Test
    void leavesFreshHitsUntracedButLogsTheCallersTraceId() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        caller().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "MISS");
        String laterLead = uuid();
        upstreamAnswers(campaign, laterLead, lead(leadBody(laterLead)));
        String hitTrace = hex(32);
        String laterTrace = hex(32);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            caller().header("traceparent", traceparent(hitTrace)).header("X-Request-Id", "hit-1")
                    .get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "HIT");
            caller().header("X-Request-Id", "hit-2").get(leadPath(campaign, leadId))
                    .then().statusCode(200).header("X-Cache", "HIT");
            // A traced miss after the hits: once its span is in, a span of the hit would be too.
            caller().header("traceparent", traceparent(laterTrace))
                    .get(leadPath(campaign, laterLead)).then().statusCode(200).header("X-Cache", "MISS");

            awaitServerSpan(laterTrace);
            assertThat(spansOf(hitTrace)).as("no span for a fresh hit").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream().anyMatch(l -> l.contains("hit-2")));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("request_id=hit-1 trace_id=" + hitTrace + " consumer=billing")
                    .contains("outcome=hit"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("request_id=hit-2 trace_id=- consumer=billing"));
        }
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void writesTheTraceIdBesideTheRequestIdInTheAccessLine() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
        String traceId = hex(32);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            caller().header("traceparent", traceparent(traceId)).header("X-Request-Id", "traced-1")
                    .get(leadPath(campaign, uuid())).then().statusCode(200).header("X-Cache", "MISS");
            caller().header("X-Request-Id", "untraced-1").get(leadPath(campaign, uuid()))
                    .then().statusCode(200).header("X-Cache", "MISS");

            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream().anyMatch(l -> l.contains("untraced-1")));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("request_id=traced-1 trace_id=" + traceId + " consumer=billing"));
            // Without a caller's trace the proxy starts one for a miss: the line carries its id all the same.
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .containsPattern("request_id=untraced-1 trace_id=[0-9a-f]{32} consumer=billing"));
        }
    }

    @Test
    void putsNoKeyInAnySpan() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        String traceId = hex(32);
        String parent = traceparent(traceId);

        caller().header("traceparent", parent).get(leadPath(campaign, leadId)).then().statusCode(200);
        // A caller that also puts its key in the query string (a revalidation, so it is traced), and one
        // with a wrong key.
        caller().header("traceparent", parent).header("Cache-Control", "no-cache")
                .queryParam("api_key", TracingProfile.CONSUMER_KEY)
                .get(leadPath(campaign, leadId)).then().statusCode(200);
        given().header("traceparent", parent).header("X-API-Key", "wrong-TEST-ONLY-key").get(leadPath(campaign, leadId))
                .then().statusCode(401);

        List<SpanData> all = await().atMost(Duration.ofSeconds(10))
                .until(() -> spansOf(traceId), l -> l.stream().filter(s -> s.getKind() == SpanKind.SERVER).count() == 3);
        assertThat(all).anySatisfy(span -> assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT));
        coldsend.verify(2, getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))
                .withHeader("X-API-Key", equalTo(ColdsendStubResource.PROXY_KEY)));
        for (SpanData span : all) {
            String everything = span.getName() + " " + span.getAttributes() + " " + span.getEvents()
                    + " " + span.getResource().getAttributes();
            assertThat(everything).doesNotContain(TracingProfile.CONSUMER_KEY, ColdsendStubResource.PROXY_KEY,
                    "wrong-TEST-ONLY-key");
        }
    }

    private static final String ROUTE = "/api/public/v1/campaigns/{campaign_id}/leads/{lead_id}";

    private static RequestSpecification caller() {
        return given().header("X-API-Key", TracingProfile.CONSUMER_KEY);
    }

    /** A sampled {@code traceparent} in {@code traceId} from a random caller span. */
    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + hex(16) + "-01";
    }

    /** The proxy's server span in {@code traceId}, once exported. */
    private SpanData awaitServerSpan(String traceId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> serverSpan(traceId), s -> s != null);
    }

    private List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private SpanData serverSpan(String traceId) {
        return spansOf(traceId).stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElse(null);
    }

    private List<SpanData> clientSpans(String traceId) {
        return spansOf(traceId).stream().filter(span -> span.getKind() == SpanKind.CLIENT).toList();
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder(length);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            hex.append(Character.forDigit(random.nextInt(16), 16));
        }
        return hex.toString();
    }
}
