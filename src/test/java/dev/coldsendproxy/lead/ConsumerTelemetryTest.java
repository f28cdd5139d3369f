package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** With consumer keys, metrics and access lines name the consumer (never its key), and no-cache spends its share. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
@TestProfile(ConsumerTelemetryTest.TwoConsumers.class)
class ConsumerTelemetryTest extends ProxyTestBase {

    private static final String ALPHA_KEY = "alpha-secret-key-TEST-ONLY";
    private static final String BETA_KEY = "beta-secret-key-TEST-ONLY";

    @Test
    void countsAndLogsRequestsByConsumerNameOnly() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        Metrics before = Metrics.scrape();

        try (CapturedLogs logs = CapturedLogs.capture()) {
            given().header("X-API-Key", ALPHA_KEY).header("X-Request-Id", "alpha-1").get(leadPath(campaign, leadId))
                    .then().statusCode(200);
            given().header("X-API-Key", BETA_KEY).header("X-Request-Id", "beta-1").get(leadPath(campaign, leadId))
                    .then().statusCode(200);
            given().header("X-API-Key", "wrong-key").header("X-Request-Id", "nobody-1").get(leadPath(campaign, leadId))
                    .then().statusCode(401);

            // Access lines are written by a thread of their own: wait for the last one.
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream().anyMatch(line -> line.contains("nobody-1")));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .containsPattern("request_id=alpha-1 trace_id=[0-9a-f]{32} consumer=alpha ").contains("outcome=miss"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("request_id=beta-1 trace_id=- consumer=beta ").contains("outcome=hit"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .containsPattern("request_id=nobody-1 trace_id=[0-9a-f]{32} consumer=unidentified ").contains("outcome=rejected", "status=401"));
            assertThat(String.join("\n", logs.lines())).doesNotContain(ALPHA_KEY, BETA_KEY, "wrong-key",
                    ColdsendStubResource.PROXY_KEY);
        }

        Metrics after = Metrics.scrape();
        assertThat(delta(before, after, "outcome=\"miss\"", "consumer=\"alpha\"")).isEqualTo(1);
        assertThat(delta(before, after, "outcome=\"hit\"", "consumer=\"beta\"")).isEqualTo(1);
        assertThat(delta(before, after, "outcome=\"rejected\"", "consumer=\"unidentified\"")).isEqualTo(1);
        assertThat(after.text()).doesNotContain(ALPHA_KEY, BETA_KEY, ColdsendStubResource.PROXY_KEY);
    }

    @Test
    void noCacheSpendsTheRequestingConsumersShare() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().header("X-API-Key", ALPHA_KEY).get(leadPath(campaign, leadId)).then().statusCode(200);
        given().header("X-API-Key", BETA_KEY).get(leadPath(campaign, leadId)).then().statusCode(200);
        Metrics before = Metrics.scrape();

        Response revalidated = given().header("X-API-Key", ALPHA_KEY).header("Cache-Control", "no-cache")
                .get(leadPath(campaign, leadId));
        Metrics after = Metrics.scrape();

        assertThat(revalidated.header("X-Cache")).isEqualTo("MISS");
        assertThat(sent(after, "alpha") - sent(before, "alpha")).isEqualTo(1);
        assertThat(sent(after, "beta")).isEqualTo(sent(before, "beta"));
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(2);
    }

    private static double sent(Metrics metrics, String consumer) {
        return metrics.value("proxy_quota_sent_total", "consumer=\"" + consumer + "\"");
    }

    private static double delta(Metrics before, Metrics after, String... labels) {
        return after.value("proxy_lead_requests_total", labels) - before.value("proxy_lead_requests_total", labels);
    }

    /** Two consumers with their own keys and half the budget each. */
    public static class TwoConsumers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "proxy.auth.mode", "keys",
                    "proxy.consumers.alpha.key-sha256", sha256(ALPHA_KEY),
                    "proxy.consumers.alpha.upstream-share", "0.5",
                    "proxy.consumers.beta.key-sha256", sha256(BETA_KEY),
                    "proxy.consumers.beta.upstream-share", "0.5");
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
