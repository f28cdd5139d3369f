package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** The route itself: same path, same bytes, the proxy's key in, the caller's credentials out. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class LeadRouteTest extends ProxyTestBase {

    @Test
    void servesTheUpstreamBodyByteForByte() {
        String campaign = uuid();
        String leadId = "7d4c1b2a-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
        byte[] upstreamBody = resource("/leads/lead-full.json");
        upstreamAnswers(campaign, leadId, lead(upstreamBody));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.asByteArray()).isEqualTo(upstreamBody);
        assertThat(response.header("X-Cache")).isEqualTo("MISS");
    }

    @Test
    void sendsTheProxyKeyAndNeverTheCallersCredentials() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        given().header("X-API-Key", "consumer-key-must-stay-here")
                .header("Authorization", "Bearer consumer-token")
                .header("Cookie", "session=consumer-cookie")
                .get(leadPath(campaign, leadId))
                .then().statusCode(200);

        coldsend.verify(1, getRequestedFor(urlPathEqualTo(leadPath(campaign, leadId)))
                .withHeader("X-API-Key", equalTo(ColdsendStubResource.PROXY_KEY))
                .withHeader("Authorization", absent())
                .withHeader("Cookie", absent()));
    }

    @Test
    void passesUpstreamNotFoundThroughWithItsDetail() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(404, "Lead not found"));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).isEqualTo("Lead not found");
    }

    @Test
    void neverShowsTheProxyKeyToCallers() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(401, "Invalid or revoked API key"));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.asString()).doesNotContain(ColdsendStubResource.PROXY_KEY);
        assertThat(response.headers().toString()).doesNotContain(ColdsendStubResource.PROXY_KEY);
    }

    @Test
    void leavesAGetAnnouncingMoreThanTheBodyLimitToQuarkus() throws IOException {
        String path = cachedLeadPath();
        given().get(path).then().statusCode(200).header("X-Cache", "HIT");

        String head = rawHead("GET " + path + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: " + (64L << 20) + "\r\n\r\n");

        assertThat(head).as("a fresh hit, but with 64 MiB announced: the body-size limit answers").startsWith("HTTP/1.1 413");
    }

    @Test
    void answersAGetWithASmallBodyFromTheCacheAsBefore() throws IOException {
        String path = cachedLeadPath();

        String head = rawHead("GET " + path + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("X-Cache: HIT");
    }

    /** The path of a new lead, fetched once (a MISS), so that the next ask is a fresh hit. */
    private String cachedLeadPath() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "MISS");
        return leadPath(campaign, leadId);
    }
}
