package dev.coldsendproxy.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coldsendproxy.lead.ContractSchema;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * The dev-mode stand-in behaves like Coldsend where dev mode relies on it: deterministic leads that
 * satisfy the published schema, and Coldsend's 401/404/429 shapes and rate-limit headers.
 */
class ColdsendSimulatorTest {

    private static final String KEY = "cs_test_dev_simulator_key";
    private static final String CAMPAIGN = "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Vertx vertx;
    private int port;

    @BeforeEach
    void startSimulator() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new ColdsendSimulator(KEY).register(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router);
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stopSimulator() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void servesTheSameValidLeadEveryTime() throws Exception {
        HttpResponse<String> first = get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", KEY);
        HttpResponse<String> second = get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", KEY);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(ContractSchema.validate(new ObjectMapper().readTree(first.body()))).isEmpty();
        assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("100");
        assertThat(first.headers().firstValue("X-RateLimit-Reset")).isPresent();
    }

    @Test
    void answersLikeColdsendForMissingLeadsAndKeys() throws Exception {
        assertThat(get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c40", KEY).body()).isEqualTo("{\"detail\":\"Lead not found\"}");
        assertThat(get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", null).statusCode()).isEqualTo(401);
        assertThat(get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "wrong").body()).contains("Invalid or revoked API key");
    }

    @Test
    void enforcesColdsendsHundredAMinute() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertThat(get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", KEY).statusCode()).isEqualTo(200);
        }

        HttpResponse<String> limited = get("9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", KEY);

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(limited.body()).contains("Rate limit exceeded");
    }

    private HttpResponse<String> get(String leadId, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/simulator/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + leadId));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
