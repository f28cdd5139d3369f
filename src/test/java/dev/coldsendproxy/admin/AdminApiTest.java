package dev.coldsendproxy.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Management;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Purges drop exactly what they name (proved by what Coldsend is asked next), only for the token holder. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class AdminApiTest extends ProxyTestBase {

    /** The token whose SHA-256 is %test.proxy.admin.token-sha256. */
    private static final String TOKEN = "test-admin-token";

    @Test
    void purgesOneLead() {
        String campaign = uuid();
        String purged = cached(campaign);
        String kept = cached(campaign);

        admin().delete(Management.url("/admin/cache/campaigns/" + campaign + "/leads/" + purged)).then()
                .statusCode(200).body("purged_entries", equalTo(1));

        assertThat(xCache(campaign, purged)).isEqualTo("MISS");
        assertThat(xCache(campaign, kept)).isEqualTo("HIT");
        assertThat(upstreamCalls(campaign, purged)).isEqualTo(2);
        assertThat(upstreamCalls(campaign, kept)).isEqualTo(1);
    }

    @Test
    void purgesOneCampaign() {
        String campaign = uuid();
        String other = uuid();
        String first = cached(campaign);
        String second = cached(campaign);
        String elsewhere = cached(other);

        admin().delete(Management.url("/admin/cache/campaigns/" + campaign.toUpperCase())).then()
                .statusCode(200).body("purged_entries", equalTo(2));

        assertThat(xCache(campaign, first)).isEqualTo("MISS");
        assertThat(xCache(campaign, second)).isEqualTo("MISS");
        assertThat(xCache(other, elsewhere)).isEqualTo("HIT");
        assertThat(upstreamCalls()).isEqualTo(5);
    }

    @Test
    void purgesEverything() {
        String campaign = uuid();
        String other = uuid();
        String first = cached(campaign);
        String elsewhere = cached(other);

        admin().delete(Management.url("/admin/cache")).then().statusCode(200)
                .body("purged_entries", greaterThanOrEqualTo(2));

        assertThat(xCache(campaign, first)).isEqualTo("MISS");
        assertThat(xCache(other, elsewhere)).isEqualTo("MISS");
        assertThat(upstreamCalls()).isEqualTo(4);
    }

    @Test
    void reportsCacheStatistics() {
        String campaign = uuid();
        String leadId = cached(campaign);
        xCache(campaign, leadId);

        admin().get(Management.url("/admin/cache/stats")).then()
                .statusCode(200)
                .body("entries", greaterThanOrEqualTo(1))
                .body("weighted_bytes", greaterThanOrEqualTo(leadBody(leadId).length + 320))
                .body("hits", greaterThanOrEqualTo(1));
    }

    @Test
    void refusesCallersWithoutTheToken() {
        String campaign = uuid();
        String leadId = cached(campaign);

        given().delete(Management.url("/admin/cache")).then()
                .statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("detail", containsString("Admin token required"));
        given().header("Authorization", "Bearer not-the-token").delete(Management.url("/admin/cache")).then()
                .statusCode(401).body("detail", containsString("Admin token required"));
        given().header("Authorization", "Basic " + TOKEN).get(Management.url("/admin/cache/stats")).then()
                .statusCode(401);

        assertThat(xCache(campaign, leadId)).isEqualTo("HIT");
    }

    @Test
    void rejectsIdsThatAreNotUuids() {
        admin().delete(Management.url("/admin/cache/campaigns/not-a-uuid")).then()
                .statusCode(400).body("detail", containsString("campaign_id must be a UUID"));
    }

    @Test
    void isNotReachableOnThePublicPort() {
        String campaign = uuid();
        String leadId = cached(campaign);

        admin().delete("/admin/cache").then().statusCode(404);
        admin().delete("/admin/cache/campaigns/" + campaign).then().statusCode(404);
        admin().get("/admin/cache/stats").then().statusCode(404);

        assertThat(xCache(campaign, leadId)).isEqualTo("HIT");
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    /** A new lead of {@code campaign}, fetched once so it sits in the cache. */
    private String cached(String campaign) {
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        assertThat(xCache(campaign, leadId)).isEqualTo("MISS");
        return leadId;
    }

    private static String xCache(String campaign, String leadId) {
        return given().get(leadPath(campaign, leadId)).then().statusCode(200).extract().header("X-Cache");
    }
}
