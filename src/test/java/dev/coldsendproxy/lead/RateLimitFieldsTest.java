package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.StructuredFields;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Every lead answer carries the consumer's own budget as draft-ietf-httpapi-ratelimit-headers-10
 * structured fields (RFC 8941): RateLimit-Policy names both windows, RateLimit the tighter one's
 * remaining units and reset, agreeing with the draft -06 fields kept beside them.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class RateLimitFieldsTest extends ProxyTestBase {

    @Test
    void describesBothWindowsAndTheRemainingBudgetAsStructuredFieldsOnMissesAndHits() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        Response miss = given().get(leadPath(campaign, leadId));
        Response hit = given().get(leadPath(campaign, leadId));

        for (Response answer : List.of(miss, hit)) {
            List<StructuredFields.Item> policies = StructuredFields.list(answer.header("RateLimit-Policy"));
            assertThat(policies).extracting(StructuredFields.Item::value).containsExactly("minute", "hour");
            assertThat(policies.get(0).params()).containsEntry("w", 60L).containsKey("q");
            assertThat(policies.get(1).params()).containsEntry("w", 3600L).containsKey("q");
            StructuredFields.Item rateLimit = StructuredFields.item(answer.header("RateLimit"));
            assertThat(rateLimit.value()).isIn("minute", "hour");
            assertThat(rateLimit.params()).containsOnlyKeys("r", "t");
            assertThat(rateLimit.params().get("r")).isEqualTo(Long.parseLong(answer.header("RateLimit-Remaining")));
            assertThat(rateLimit.params().get("t")).isEqualTo(Long.parseLong(answer.header("RateLimit-Reset")));
            StructuredFields.Item binding = policies.get(rateLimit.value().equals("minute") ? 0 : 1);
            assertThat(binding.params().get("q")).isEqualTo(Long.parseLong(answer.header("RateLimit-Limit")));
        }
    }

    @Test
    void theTestParserRefusesWhatIsNotAStructuredField() {
        assertThatThrownBy(() -> StructuredFields.list("minute;q=1,")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructuredFields.item("\"minute\";Q=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructuredFields.item("\"minute\";q=1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StructuredFields.item("\"minute\";r=0;t=60").params()).isEqualTo(Map.of("r", 0L, "t", 60L));
    }
}
