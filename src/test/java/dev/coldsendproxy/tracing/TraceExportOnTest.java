package dev.coldsendproxy.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.CollectorStubResource;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.InjectCollectorStub;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Naming a collector with {@code quarkus.otel.exporter.otlp.endpoint} alone turns export on. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
@WithTestResource(CollectorStubResource.class)
class TraceExportOnTest extends ProxyTestBase {

    @InjectCollectorStub
    WireMockServer collector;

    @Test
    void exportsSpansToTheNamedCollector() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        given().get(leadPath(campaign, leadId)).then().statusCode(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !collector
                .findAll(postRequestedFor(urlPathEqualTo(CollectorStubResource.TRACES_PATH))).isEmpty());
    }
}
