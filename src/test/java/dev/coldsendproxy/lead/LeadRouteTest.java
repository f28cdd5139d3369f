package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
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
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "MISS");
        given().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "HIT");

        String head = rawHead("GET " + leadPath(campaign, leadId) + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: " + (64L << 20)
                + "\r\n\r\n");

        assertThat(head).as("a fresh hit, but with 64 MiB announced: the body-size limit answers").startsWith("HTTP/1.1 413");
    }

    @Test
    void answersAGetWithASmallBodyFromTheCacheAsBefore() throws IOException {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        given().get(leadPath(campaign, leadId)).then().statusCode(200).header("X-Cache", "MISS");

        String head = rawHead("GET " + leadPath(campaign, leadId) + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("X-Cache: HIT");
    }

    /** Sends {@code request} as written on a new connection and returns the answer's status line and headers. */
    private static String rawHead(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line).append("\r\n");
            }
            return head.toString();
        }
    }
}
