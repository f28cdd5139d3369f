package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The spare-budget refresher's own timer, at its default interval, refreshes an often-asked copy
 * shortly before it expires. Its walk over the cache asserts that it is not on an event loop (tests
 * run with assertions on), so a walk put back on the timer's loop fails here.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class HotRefreshTimerTest extends ProxyTestBase {

    @Test
    void theTimerRefreshesAnOftenAskedCopyFromAWorkerThread() {
        String campaign = uuid();
        String hot = uuid();
        upstreamAnswersEveryLead(lead(leadBody(hot)));
        for (int i = 0; i < 3; i++) {
            given().get(leadPath(campaign, hot)).then().statusCode(200);
        }

        ticker.advance(Duration.ofSeconds(27)); // fresh for 3 more seconds: the next round refreshes it

        await().atMost(Duration.ofSeconds(20)).until(() -> upstreamCalls(campaign, hot) == 2);
        ticker.advance(Duration.ofSeconds(10));
        given().get(leadPath(campaign, hot)).then().statusCode(200).header("X-Cache", "HIT").header("Age", "10");
        assertThat(upstreamCalls(campaign, hot)).isEqualTo(2);
    }
}
