package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Bad input gets a clear JSON error and costs nothing upstream. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class BadInputTest extends ProxyTestBase {

    private static final String CAMPAIGN = "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01";
    private static final String LEAD = "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    @ParameterizedTest
    @ValueSource(strings = { "not-a-uuid", "1-1-1-1-1", "3f2b8c1e8d4a4c7e9b1f2a6d5e7c9f01",
            "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f0g", "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f011" })
    void rejectsACampaignIdThatIsNotAUuid(String campaignId) {
        Response response = given().urlEncodingEnabled(false).get(leadPath(campaignId, LEAD));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).contains("campaign_id");
        assertThat(upstreamCalls()).isZero();
    }

    @Test
    void rejectsALeadIdThatIsNotAUuidNamingIt() {
        Response response = given().get(leadPath(CAMPAIGN, "42"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.jsonPath().getString("detail")).contains("lead_id");
        assertThat(upstreamCalls()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01%2F..%2F/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/../leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/leads/..%2F..%2Fadmin",
            "/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d%00",
            "/api/public/v1/campaigns/%2e%2e/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "/api/public/v1/campaigns/3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01/leads/9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/extra" })
    void answersPathTrickeryWithAJsonClientErrorAndNoUpstreamCall(String path) {
        Response response = given().urlEncodingEnabled(false).get(path);

        assertThat(response.statusCode()).isBetween(400, 499);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).isNotBlank();
        assertThat(upstreamCalls()).isZero();
    }

    /** Quarkus refuses these before any route, so the fast route's reading of the path never meets them. */
    @ParameterizedTest
    @ValueSource(strings = { "/api/public/v1/campaigns/%zz/leads/" + LEAD, "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/%",
            "/elsewhere%" })
    void answersABrokenPercentEscapeWith400(String path) throws IOException {
        String head = rawHead("GET " + path + " HTTP/1.1\r\nHost: proxy\r\n\r\n");

        assertThat(head).as(path).startsWith("HTTP/1.1 400");
        assertThat(upstreamCalls()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = { "POST", "PUT", "DELETE", "PATCH" })
    void answersOtherMethodsWith405(String method) {
        Response response = given().request(method, leadPath(CAMPAIGN, LEAD));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.header("Allow")).contains("GET");
        assertThat(response.jsonPath().getString("detail")).isNotBlank();
        assertThat(upstreamCalls()).isZero();
    }

    @Test
    void answersUnknownPathsWithJson404() {
        Response response = given().get("/api/public/v1/campaigns");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).isNotBlank();
        assertThat(upstreamCalls()).isZero();
    }
}
