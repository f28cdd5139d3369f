package dev.coldsendproxy.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code quarkus.otel.enabled=false} takes tracing out of the build (README "Tracing"): the proxy
 * still starts and serves, sends Coldsend no trace context, and its access lines keep the caller's
 * trace id when it sent one.
 */
@QuarkusTest
@TestProfile(TracingBuiltOutTest.BuiltOut.class)
@WithTestResource(ColdsendStubResource.class)
class TracingBuiltOutTest extends ProxyTestBase {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    /** The build-time switch that removes quarkus-opentelemetry's beans and Vert.x tracer. */
    public static class BuiltOut implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.enabled", "false");
        }
    }

    @Test
    void servesWithoutTraceContextAndLogsTheCallersTraceId() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01").header("X-Request-Id", "out-miss")
                    .get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "MISS");
            given().header("X-Request-Id", "out-hit").get(leadPath(campaign, leadId))
                    .then().statusCode(200).header("X-Cache", "HIT");

            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream().anyMatch(l -> l.contains("out-hit")));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("request_id=out-miss trace_id=" + TRACE + " "));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("request_id=out-hit trace_id=- "));
        }
        LoggedRequest sent = coldsend.findAll(getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))).get(0);
        assertThat(sent.getHeader("traceparent")).isNull();
    }
}
