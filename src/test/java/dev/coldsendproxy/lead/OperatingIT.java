package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.InFlightCounter;
import dev.coldsendproxy.support.PackagedProxy;

/** The production build logs JSON, serves operators on its own port and drains in-flight requests on SIGTERM. */
class OperatingIT {

    private static final String KEY = "cs_live_TEST-ONLY-not-a-real-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer coldsend;

    @BeforeEach
    void startStubColdsend() {
        coldsend = new WireMockServer(options().dynamicPort().extensions(new InFlightCounter()));
        coldsend.start();
    }

    @AfterEach
    void stopStubColdsend() {
        coldsend.stop();
    }

    @Test
    void writesOneJsonAccessLinePerRequestAndServesHealthOnTheManagementPort() throws Exception {
        String path = stubLead(0);

        try (PackagedProxy proxy = start()) {
            HttpResponse<byte[]> miss = ConcurrentGets.await(ConcurrentGets.send(proxy.uri(path), "X-Request-Id", "it-json-1"));
            HttpResponse<byte[]> ready = ConcurrentGets.get(proxy.managementUri("/q/health/ready"));
            HttpResponse<byte[]> publicHealth = ConcurrentGets.get(proxy.uri("/q/health/ready"));

            assertThat(miss.statusCode()).isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(publicHealth.statusCode()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.output().contains("it-json-1"));
            List<String> accessLines = proxy.output().lines().filter(line -> line.contains("it-json-1")).toList();
            assertThat(accessLines).hasSize(1);
            JsonNode line = JSON.readTree(accessLines.get(0));
            assertThat(proxy.output()).as("access lines written by AccessLineFormatter")
                    .contains("Access lines: written by the proxy's own JSON writer for 1 log handler(s)");
            assertThat(line.fieldNames()).toIterable().containsExactly("timestamp", "sequence", "loggerClassName", "loggerName",
                    "level", "message", "threadName", "threadId", "mdc", "ndc", "hostName", "processName", "processId");
            assertThat(line.get("message").asText()).startsWith("request_id=it-json-1 trace_id=");
            assertThat(line.get("loggerName").asText()).isEqualTo(LeadTelemetry.ACCESS_CATEGORY);
            assertThat(line.get("level").asText()).isEqualTo("INFO");
            JsonNode fields = line.get("mdc");
            assertThat(fields.get("request_id").asText()).isEqualTo("it-json-1");
            assertThat(fields.get("trace_id").asText()).matches("[0-9a-f]{32}");
            assertThat(fields.get("consumer").asText()).isEqualTo("anonymous");
            assertThat(fields.get("route").asText()).isEqualTo(LeadTelemetry.ROUTE);
            assertThat(fields.get("outcome").asText()).isEqualTo("miss");
            assertThat(fields.get("status").asText()).isEqualTo("200");
            assertThat(fields.get("upstream_status").asText()).isEqualTo("200");
            assertThat(fields.get("duration_ms").asText()).matches("\\d+\\.\\d{3}");
            assertThat(proxy.output().lines().filter(l -> !l.isBlank()))
                    .allSatisfy(l -> assertThat(JSON.readTree(l).isObject()).isTrue());
            assertThat(proxy.output()).doesNotContain(KEY);
        }
    }

    @Test
    void finishesTheInFlightRequestOnSigtermAndExitsZero() throws Exception {
        String warmUp = stubLead(0);
        String path = stubLead(1_500);

        PackagedProxy proxy = start(Map.of(
                // Generous upstream timeouts: only the shutdown may cut this request short.
                "QUARKUS_FAULT_TOLERANCE_GLOBAL_TIMEOUT_VALUE", "20000",
                "COLDSEND_HTTP_IDLE_TIMEOUT", "20s"));
        try {
            assertThat(ConcurrentGets.get(proxy.uri(warmUp)).statusCode()).isEqualTo(200);
            InFlightCounter.resetPeak();
            CompletableFuture<HttpResponse<byte[]>> inFlight = ConcurrentGets.send(proxy.uri(path));
            await().atMost(Duration.ofSeconds(10)).until(() -> InFlightCounter.peak() >= 1);

            proxy.process().destroy();

            HttpResponse<byte[]> answer = ConcurrentGets.await(inFlight);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"lead_id\"");
            assertThat(proxy.awaitExit(Duration.ofSeconds(30))).as(proxy.output()).isZero();
        } finally {
            proxy.close();
        }
    }

    private String stubLead(int delayMillis) {
        String campaign = UUID.randomUUID().toString();
        String leadId = UUID.randomUUID().toString();
        String path = "/api/public/v1/campaigns/" + campaign + "/leads/" + leadId;
        byte[] body = ("{\"lead_id\":\"" + leadId + "\",\"email\":\"x@example.com\"}").getBytes(StandardCharsets.UTF_8);
        coldsend.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(200).withBody(body).withFixedDelay(delayMillis)));
        return path;
    }

    private PackagedProxy start() throws InterruptedException {
        return start(Map.of());
    }

    private PackagedProxy start(Map<String, String> extra) throws InterruptedException {
        Map<String, String> env = new HashMap<>(extra);
        env.put("COLDSEND_BASE_URL", "http://localhost:" + coldsend.port());
        env.put("COLDSEND_API_KEY", KEY);
        env.put("PROXY_AUTH_MODE", "none");
        return PackagedProxy.start(env).awaitStarted(Duration.ofSeconds(60));
    }
}
