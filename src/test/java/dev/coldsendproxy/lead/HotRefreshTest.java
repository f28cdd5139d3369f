package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import jakarta.inject.Inject;

/**
 * Spare budget keeps the most-asked leads fresh: a copy asked more than once is refreshed shortly
 * before it expires while budget would otherwise go unused, and nothing is refreshed when the
 * budget is needed by cold misses. Rounds are run by the test on the manual clock.
 */
@QuarkusTest
@TestProfile(HotRefreshTest.RoundsByHand.class)
@WithTestResource(ColdsendStubResource.class)
class HotRefreshTest extends ProxyTestBase {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** No timer: the test runs the rounds; a budget of 20 a minute. */
    public static class RoundsByHand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("proxy.cache.hot-refresh-interval", "0s", "coldsend.quota.per-minute", "20",
                    "coldsend.quota.per-hour", "200");
        }
    }

    @Inject
    HotRefresh refresh;

    @Test
    void refreshesAnOftenAskedCopyShortlyBeforeItExpiresFromSpareBudget() {
        String campaign = uuid();
        String hot = uuid();
        String once = uuid();
        upstreamAnswersEveryLead(lead(leadBody(hot)));
        for (int i = 0; i < 3; i++) {
            given().get(leadPath(campaign, hot)).then().statusCode(200);
        }
        given().get(leadPath(campaign, once)).then().statusCode(200);
        double before = Metrics.scrape().value("proxy_quota_spare_refreshes_total");

        ticker.advance(Duration.ofSeconds(27)); // fresh for 3 more seconds: "shortly before"
        int started = refresh.round();

        assertThat(started).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> upstreamCalls(campaign, hot) == 2);
        assertThat(upstreamCalls(campaign, once)).as("asked once: not worth a unit").isEqualTo(1);
        ticker.advance(Duration.ofSeconds(10));
        given().get(leadPath(campaign, hot)).then().statusCode(200).header("X-Cache", "HIT").header("Age", "10");
        assertThat(Metrics.scrape().value("proxy_quota_spare_refreshes_total")).isEqualTo(before + 1);
    }

    @Test
    void spendsNothingWhileColdMissesNeedTheBudget() {
        String campaign = uuid();
        String hot = uuid();
        upstreamAnswersEveryLead(lead(leadBody(hot)));
        for (int i = 0; i < 3; i++) {
            given().get(leadPath(campaign, hot)).then().statusCode(200);
        }
        for (int i = 0; i < 15; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200); // cold demand: 16 of the minute's 20
        }

        ticker.advance(Duration.ofSeconds(27));

        assertThat(refresh.round()).isZero();
        assertThat(upstreamCalls(campaign, hot)).isEqualTo(1);
    }

    @Test
    void leavesACopyAloneThatIsNotAboutToExpire() {
        String campaign = uuid();
        String hot = uuid();
        upstreamAnswersEveryLead(lead(leadBody(hot)));
        for (int i = 0; i < 3; i++) {
            given().get(leadPath(campaign, hot)).then().statusCode(200);
        }

        ticker.advance(Duration.ofSeconds(20));

        assertThat(refresh.round()).isZero();
        assertThat(upstreamCalls(campaign, hot)).isEqualTo(1);
    }
}
