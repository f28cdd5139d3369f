package dev.coldsendproxy.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.opentelemetry.runtime.exporter.otlp.tracing.LateBoundSpanProcessor;
import io.quarkus.opentelemetry.runtime.exporter.otlp.tracing.RemoveableLateBoundSpanProcessor;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import jakarta.inject.Inject;

/**
 * Without a collector named, as in production by default: no OTLP exporter is installed (nothing
 * tries localhost:4317), yet spans are still made and the trace context still reaches Coldsend.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class TraceExportOffTest extends ProxyTestBase {

    @Inject
    LateBoundSpanProcessor otlp;

    @Test
    void installsNoOtlpExporterWithoutAnEndpoint() {
        assertThat(otlp).isInstanceOf(RemoveableLateBoundSpanProcessor.class);
    }

    @Test
    void stillSendsATraceparentToColdsend() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        given().header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .get(leadPath(campaign, leadId)).then().statusCode(200);

        coldsend.verify(1, getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))
                .withHeader("traceparent", matching("00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-01")));
    }
}
