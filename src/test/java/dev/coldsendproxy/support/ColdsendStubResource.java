package dev.coldsendproxy.support;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a real HTTP stub of Coldsend (WireMock) on a random port for a {@code @QuarkusTest} and
 * points the proxy at it with a known test key.
 */
public class ColdsendStubResource implements QuarkusTestResourceLifecycleManager {

    /** The Coldsend key the proxy is configured with in tests; obviously fake. */
    public static final String PROXY_KEY = "cs_live_TEST-ONLY-not-a-real-key";

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().containerThreads(300).jettyAcceptors(2)
                .asynchronousResponseEnabled(true).asynchronousResponseThreads(50)
                .extensions(new InFlightCounter()));
        server.start();
        return Map.of(
                "coldsend.base-url", "http://localhost:" + server.port(),
                "coldsend.api-key", PROXY_KEY);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectColdsendStub.class,
                WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
