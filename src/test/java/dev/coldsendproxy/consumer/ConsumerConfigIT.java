package dev.coldsendproxy.consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.PackagedProxy;

/**
 * Consumers as operators configure them in Kubernetes: key digests from environment variables
 * (a Secret mapped to env) or from a properties file (a Secret mounted as a volume).
 */
class ConsumerConfigIT {

    private static final String KEY = "ops-TEST-ONLY-consumer-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WireMockServer coldsend;

    @BeforeEach
    void startStubColdsend() {
        coldsend = new WireMockServer(options().dynamicPort());
        coldsend.start();
        coldsend.stubFor(get(urlPathMatching("/api/public/v1/campaigns/.*")).willReturn(aResponse().withStatus(200)
                .withBody("{\"lead_id\":\"" + UUID.randomUUID() + "\"}")));
    }

    @AfterEach
    void stopStubColdsend() {
        coldsend.stop();
    }

    @Test
    void readsConsumerKeyDigestsFromEnvironmentVariables() throws Exception {
        try (PackagedProxy proxy = start(Map.of("PROXY_CONSUMERS_OPS_KEY_SHA256", TwoConsumersProfile.sha256(KEY)))) {
            assertThat(status(proxy, KEY)).isEqualTo(200);
            assertThat(status(proxy, "someone-else")).isEqualTo(401);
        }
    }

    @Test
    void readsConsumerKeyDigestsFromAMountedSecretFile() throws Exception {
        Path secret = Files.createTempFile("consumers", ".properties");
        Files.writeString(secret, "proxy.consumers.ops.key-sha256=" + TwoConsumersProfile.sha256(KEY) + "\n");
        try (PackagedProxy proxy = start(Map.of("QUARKUS_CONFIG_LOCATIONS", secret.toUri().toString()))) {
            assertThat(status(proxy, KEY)).isEqualTo(200);
            assertThat(status(proxy, null)).isEqualTo(401);
        } finally {
            Files.delete(secret);
        }
    }

    private PackagedProxy start(Map<String, String> consumers) throws InterruptedException {
        Map<String, String> env = new java.util.HashMap<>(consumers);
        env.put("COLDSEND_BASE_URL", "http://localhost:" + coldsend.port());
        env.put("COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key");
        return PackagedProxy.start(env).awaitStarted(Duration.ofSeconds(60));
    }

    private static int status(PackagedProxy proxy, String key) throws Exception {
        URI uri = proxy.uri("/api/public/v1/campaigns/" + UUID.randomUUID() + "/leads/" + UUID.randomUUID());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
