package dev.coldsendproxy.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in OpenTelemetry collector (OTLP over HTTP, protobuf) on a random port, named to the
 * proxy through {@code quarkus.otel.exporter.otlp.endpoint} alone. Inject it with
 * {@link InjectCollectorStub} to count what was exported.
 */
public class CollectorStubResource implements QuarkusTestResourceLifecycleManager {

    /** Where OTLP/HTTP sends spans below the endpoint. */
    public static final String TRACES_PATH = "/v1/traces";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        // An empty ExportTraceServiceResponse is zero bytes of protobuf.
        server.stubFor(post(urlPathEqualTo(TRACES_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-protobuf")));
        return Map.of(
                "quarkus.otel.exporter.otlp.endpoint", "http://127.0.0.1:" + server.port(),
                "quarkus.otel.exporter.otlp.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "20ms");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectCollectorStub.class,
                WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
