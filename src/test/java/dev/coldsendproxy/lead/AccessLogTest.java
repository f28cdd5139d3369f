package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** One access line per lead request, and one request id from the caller through to Coldsend. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class AccessLogTest extends ProxyTestBase {

    @Test
    void writesOneAccessLineWithEveryFieldForAMissAndAHit() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("X-Request-Id", "req-miss-1").get(leadPath(campaign, leadId)).then().statusCode(200);
            given().header("X-Request-Id", "req-hit-1").get(leadPath(campaign, leadId)).then().statusCode(200);

            assertThat(accessLines(logs, "req-miss-1")).singleElement().asString()
                    .containsPattern("request_id=req-miss-1 trace_id=[0-9a-f]{32} ")
                    .contains("consumer=anonymous")
                    .contains("route=\"GET /api/public/v1/campaigns/{campaign_id}/leads/{lead_id}\"")
                    .contains("campaign_id=" + campaign, "lead_id=" + leadId)
                    .contains("outcome=miss", "status=200", "upstream_status=200")
                    .containsPattern("duration_ms=\\d+\\.\\d{3}");
            assertThat(accessLines(logs, "req-hit-1")).singleElement().asString()
                    // A fresh hit makes no span: without a caller's traceparent it has no trace id.
                    .contains("request_id=req-hit-1 trace_id=- ")
                    .contains("outcome=hit", "status=200", "upstream_status=-");
        }
    }

    @Test
    void namesAHeadRequestsMethodInItsLine() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("X-Request-Id", "req-head-miss").head(leadPath(campaign, leadId)).then().statusCode(200);
            given().header("X-Request-Id", "req-head-hit").head(leadPath(campaign, leadId)).then().statusCode(200);
            given().header("X-Request-Id", "req-head-bad").head(leadPath(campaign, "nope")).then().statusCode(400);
            given().header("X-Request-Id", "req-get-hit").get(leadPath(campaign, leadId)).then().statusCode(200);

            for (String head : List.of("req-head-miss", "req-head-hit", "req-head-bad")) {
                assertThat(accessLines(logs, head)).as(head).singleElement().asString()
                        .contains("route=\"HEAD /api/public/v1/campaigns/{campaign_id}/leads/{lead_id}\"");
            }
            assertThat(accessLines(logs, "req-get-hit")).singleElement().asString()
                    .contains("route=\"GET /api/public/v1/campaigns/{campaign_id}/leads/{lead_id}\"", "outcome=hit");
        }
    }

    @Test
    void logsRejectedRequestsWithTheirStatus() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(503, "down"));

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("X-Request-Id", "req-bad-id").get(leadPath(campaign, "nope")).then().statusCode(400);
            given().header("X-Request-Id", "req-upstream-down").get(leadPath(campaign, leadId)).then().statusCode(502);

            assertThat(accessLines(logs, "req-bad-id")).singleElement().asString()
                    .contains("outcome=rejected", "status=400", "lead_id=-");
            assertThat(accessLines(logs, "req-upstream-down")).singleElement().asString()
                    .contains("outcome=rejected", "status=502", "upstream_status=503");
        }
    }

    @Test
    void passesTheCallersRequestIdUpstreamAndEchoesIt() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        Response answer = given().header("X-Request-Id", "order-service:7f3a.1_b").get(leadPath(campaign, leadId));

        assertThat(answer.header("X-Request-Id")).isEqualTo("order-service:7f3a.1_b");
        coldsend.verify(1, getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))
                .withHeader("X-Request-Id", equalTo("order-service:7f3a.1_b")));
    }

    @Test
    void generatesARequestIdWhenTheCallerSendsNoneOrAnUnsafeOne() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        String generated = given().get(leadPath(campaign, leadId)).header("X-Request-Id");
        String another = given().get(leadPath(campaign, leadId)).header("X-Request-Id");
        String replaced = given().header("X-Request-Id", "evil\tid with spaces").get(leadPath(campaign, leadId))
                .header("X-Request-Id");
        String tooLong = given().header("X-Request-Id", "a".repeat(129)).get(leadPath(campaign, leadId))
                .header("X-Request-Id");

        assertThat(List.of(generated, another, replaced, tooLong)).allMatch(id -> id.matches("[0-9a-f]{32}"));
        assertThat(List.of(generated, another, replaced, tooLong)).doesNotHaveDuplicates();
        coldsend.verify(1, getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))
                .withHeader("X-Request-Id", equalTo(generated)));
    }

    @Test
    void echoesTheRequestIdOnErrors() {
        given().header("X-Request-Id", "req-400").get(leadPath("nope", uuid())).then()
                .statusCode(400)
                .header("X-Request-Id", "req-400");
    }

    /** The request's access lines, once its line arrived: they are written by a thread of their own. */
    private static List<String> accessLines(CapturedLogs logs, String requestId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                .anyMatch(line -> line.contains("request_id=" + requestId + " ")));
        return logs.lines().stream()
                .filter(line -> line.contains(LeadTelemetry.ACCESS_CATEGORY) && line.contains("request_id=" + requestId + " "))
                .toList();
    }
}
