package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.PackagedProxy;

/** The production build, configured by environment alone, serves the route as the tests say. */
class PackagedProxyIT {

    private WireMockServer coldsend;

    @BeforeEach
    void startStubColdsend() {
        coldsend = new WireMockServer(options().dynamicPort());
        coldsend.start();
    }

    @AfterEach
    void stopStubColdsend() {
        coldsend.stop();
    }

    @Test
    void servesMissThenHitAndJsonErrorsInProduction() throws Exception {
        String campaign = UUID.randomUUID().toString();
        String leadId = UUID.randomUUID().toString();
        String path = "/api/public/v1/campaigns/" + campaign + "/leads/" + leadId;
        byte[] body = ("{\"lead_id\":\"" + leadId + "\",\"email\":\"x@example.com\"}").getBytes(StandardCharsets.UTF_8);
        coldsend.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200).withBody(body)));

        try (PackagedProxy proxy = PackagedProxy.start(Map.of(
                "COLDSEND_BASE_URL", "http://localhost:" + coldsend.port(),
                "COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key",
                "PROXY_AUTH_MODE", "none")).awaitStarted(Duration.ofSeconds(60))) {

            HttpResponse<byte[]> miss = ConcurrentGets.get(proxy.uri(path));
            HttpResponse<byte[]> hit = ConcurrentGets.get(proxy.uri(path));
            HttpResponse<byte[]> unknown = ConcurrentGets.get(proxy.uri("/nowhere"));
            HttpResponse<byte[]> simulator = ConcurrentGets.get(proxy.uri("/simulator" + path));

            assertThat(miss.statusCode()).isEqualTo(200);
            assertThat(miss.body()).isEqualTo(body);
            assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("\"detail\"");
            assertThat(simulator.statusCode()).as("the dev simulator is not in the prod build").isEqualTo(404);
            assertThat(proxy.output()).doesNotContain("cs_live_TEST-ONLY-not-a-real-key");
        }
        assertThat(coldsend.getAllServeEvents()).hasSize(1);
    }
}
