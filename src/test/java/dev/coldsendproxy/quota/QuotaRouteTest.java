package dev.coldsendproxy.quota;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** The governor seen from the route: the key's budget holds, and it goes where there is no answer at all. */
@QuarkusTest
@TestProfile(SmallQuotaProfile.class)
@WithTestResource(ColdsendStubResource.class)
class QuotaRouteTest extends ProxyTestBase {

    @Test
    void aBurstOfColdLeadsSpendsAtMostTheMinuteBudget() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())));

        List<Response> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(given().get(leadPath(campaign, uuid())));
        }

        assertThat(upstreamCalls()).isEqualTo(SmallQuotaProfile.PER_MINUTE);
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(SmallQuotaProfile.PER_MINUTE);
        assertThat(answers).filteredOn(answer -> answer.statusCode() != 200).hasSize(20).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(answer.header("Retry-After")))
                    .isBetween(1L, Units.retryAfterSeconds(Units.MINUTE + inFlight().toNanos()));
            assertThat(answer.jsonPath().getString("detail")).startsWith("Rate limit exceeded");
        });
    }

    @Test
    void hitsAndCoalescedWaitersSpendNothing() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        for (int i = 0; i < 50; i++) {
            given().get(leadPath(campaign, leadId)).then().statusCode(200);
        }

        assertThat(upstreamCalls()).isEqualTo(1);
        assertThat(given().get(leadPath(campaign, leadId)).header("RateLimit-Remaining"))
                .isEqualTo(String.valueOf(SmallQuotaProfile.PER_MINUTE - 1));
    }

    @Test
    void servesStaleRatherThan429WhenTheBudgetIsSpent() {
        String campaign = uuid();
        String known = uuid();
        upstreamAnswersEveryLead(lead(leadBody(known)));
        given().get(leadPath(campaign, known)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(31));
        for (int i = 0; i < SmallQuotaProfile.PER_MINUTE; i++) {
            given().get(leadPath(campaign, uuid()));
        }

        Response stale = given().get(leadPath(campaign, known));

        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.header("X-Cache")).isEqualTo("STALE");
        assertThat(given().get(leadPath(campaign, uuid())).statusCode()).isEqualTo(429);
    }

    @Test
    void letsRefreshesYieldToColdMissesWhenTheBudgetRunsLow() {
        String campaign = uuid();
        String known = uuid();
        upstreamAnswersEveryLead(lead(leadBody(known)));
        given().get(leadPath(campaign, known)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 8; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200);
        }
        int spent = upstreamCalls();

        Response refreshCandidate = given().get(leadPath(campaign, known));
        Response cold = given().get(leadPath(campaign, uuid()));

        assertThat(refreshCandidate.header("X-Cache")).as("one unit left: no refresh").isEqualTo("STALE");
        assertThat(cold.statusCode()).as("the last unit goes to a lead with no answer").isEqualTo(200);
        assertThat(cold.header("X-Cache")).isEqualTo("MISS");
        assertThat(upstreamCalls()).isEqualTo(spent + 1);
    }

    @Test
    void keepsAsManyUnitsForColdLeadsAsColdLeadsAskedForBeforeRefreshingACopy() {
        String campaign = uuid();
        String known = uuid();
        upstreamAnswersEveryLead(lead(leadBody(known)));
        given().get(leadPath(campaign, known)).then().statusCode(200);
        ticker.advance(Duration.ofSeconds(31));
        for (int i = 0; i < 6; i++) {
            given().get(leadPath(campaign, uuid())).then().statusCode(200);
        }
        int spent = upstreamCalls();

        Response refreshCandidate = given().get(leadPath(campaign, known));

        // 3 of 10 units left: above the 20 % ratio, but 7 cold leads asked in the last minute.
        assertThat(refreshCandidate.header("X-Cache")).isEqualTo("STALE");
        assertThat(upstreamCalls()).isEqualTo(spent);
    }

    @Test
    void stopsAllUpstreamCallsWhenColdsendSaysNoneRemainUntilItsReset() {
        String campaign = uuid();
        long reset = System.currentTimeMillis() / 1000 + 30;
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset)));

        given().get(leadPath(campaign, uuid())).then().statusCode(200);
        Response held = given().get(leadPath(campaign, uuid()));
        // Coldsend's reset is wall-clock time: what is left of it depends on how long the above took.
        long leftAfterwards = reset - System.currentTimeMillis() / 1000;
        int callsWhileHeld = upstreamCalls();
        ticker.advance(Duration.ofSeconds(31));
        Response afterReset = given().get(leadPath(campaign, uuid()));

        assertThat(held.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(held.header("Retry-After"))).isBetween(leftAfterwards, 30L);
        assertThat(callsWhileHeld).isEqualTo(1);
        assertThat(afterReset.statusCode()).isEqualTo(200);
        assertThat(upstreamCalls()).isEqualTo(2);
    }

    @Test
    void countsRetriesAgainstTheBudget() {
        String campaign = uuid();
        upstreamAnswersEveryLead(error(500, "boom"));

        for (int i = 0; i < 6; i++) {
            given().get(leadPath(campaign, uuid()));
        }

        assertThat(upstreamCalls()).as("3 attempts per lead until the 10 are spent").isEqualTo(SmallQuotaProfile.PER_MINUTE);
    }

    @Test
    void obeysAColdsendLimitLowerThanConfiguredUntilColdsendRaisesIt() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withHeader("X-RateLimit-Limit", "3"));

        List<Response> lowered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            lowered.add(given().get(leadPath(campaign, uuid())));
        }
        int spentUnderThree = upstreamCalls();
        ticker.advance(Duration.ofHours(2));
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withHeader("X-RateLimit-Limit", "1000"));
        List<Integer> raised = new ArrayList<>();
        for (int i = 0; i < SmallQuotaProfile.PER_MINUTE; i++) {
            raised.add(given().get(leadPath(campaign, uuid())).statusCode());
        }

        assertThat(lowered).extracting(Response::statusCode).containsExactly(200, 200, 200, 429, 429);
        assertThat(lowered.get(2).header("RateLimit-Limit")).isEqualTo("3");
        assertThat(spentUnderThree).isEqualTo(3);
        assertThat(raised).as("the configured 10 again, the lower of it and Coldsend's 1000").containsOnly(200);
    }
}
