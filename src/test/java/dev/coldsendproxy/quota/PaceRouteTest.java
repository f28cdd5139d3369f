package dev.coldsendproxy.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.config.SecretDigest;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Spreading the hour seen from the route: a paced consumer's burst stops at the pace with 429s
 * that say so and when to come back, while a critical consumer is served from its guarantee.
 */
@QuarkusTest
@TestProfile(PaceRouteTest.Paced.class)
@WithTestResource(ColdsendStubResource.class)
class PaceRouteTest extends ProxyTestBase {

    private static final String BATCH_KEY = "batch-key-TEST-ONLY";
    private static final String URGENT_KEY = "urgent-key-TEST-ONLY";

    @Test
    void stopsAPacedBurstAtThePaceAndStillServesTheCriticalConsumer() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));

        List<Response> batch = asks(BATCH_KEY, campaign, 20);
        int batchCalls = upstreamCalls();
        List<Response> urgent = asks(URGENT_KEY, campaign, 8);

        // The pace: 100 an hour is 10 in 6 minutes, 12 with the units' time in flight (10.1 s in tests)
        // and the holdbacks; urgent's holdback of its half keeps 1 of them.
        assertThat(batchCalls).as("the minute would allow 19").isEqualTo(11);
        assertThat(batch).filteredOn(answer -> answer.statusCode() == 200).hasSize(11);
        assertThat(batch).filteredOn(answer -> answer.statusCode() != 200).hasSize(9).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(answer.header("Retry-After"))).as("6 minutes, and the first send's time in flight")
                    .isBetween(355L, Units.retryAfterSeconds(Duration.ofMinutes(6).plus(inFlight()).toNanos()));
            assertThat(answer.jsonPath().getString("detail")).startsWith("Rate limit exceeded: the proxy spreads");
        });
        Response lastServed = batch.get(10);
        assertThat(lastServed.header("RateLimit-Policy")).as("batch's half of the pace")
                .isEqualTo("\"minute\";q=10;w=60, \"hour\";q=50;w=3600, \"pace\";q=6;w=360");
        assertThat(lastServed.header("RateLimit")).as("the pace is what is spent").startsWith("\"pace\";r=0;t=");
        assertThat(urgent).as("critical: not paced, served from its minute guarantee of 10")
                .allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        assertThat(urgent.get(0).header("RateLimit-Policy")).isEqualTo("\"minute\";q=10;w=60, \"hour\";q=50;w=3600");
        assertThat(upstreamCalls()).isEqualTo(11 + 8);
    }

    private List<Response> asks(String key, String campaign, int count) {
        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(given().header("X-API-Key", key).get(leadPath(campaign, uuid())));
        }
        return answers;
    }

    /** 20 a minute and 100 an hour, paced over 6 minutes; a normal and a critical consumer with half each. */
    public static class Paced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "coldsend.quota.per-minute", "20",
                    "coldsend.quota.per-hour", "100",
                    "proxy.quota.pace-window", "6m",
                    "proxy.quota.max-wait", "0s",
                    "proxy.auth.mode", "keys",
                    "proxy.consumers.batch.key-sha256", sha256(BATCH_KEY),
                    "proxy.consumers.batch.upstream-share", "0.5",
                    "proxy.consumers.urgent.key-sha256", sha256(URGENT_KEY),
                    "proxy.consumers.urgent.upstream-share", "0.5",
                    "proxy.consumers.urgent.priority", "critical");
        }
    }

    private static String sha256(String key) {
        return HexFormat.of().formatHex(SecretDigest.sha256(key));
    }
}
