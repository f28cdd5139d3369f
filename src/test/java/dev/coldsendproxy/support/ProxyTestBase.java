package dev.coldsendproxy.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import dev.coldsendproxy.quota.InFlight;
import io.restassured.RestAssured;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

import jakarta.inject.Inject;

/**
 * What every proxy test starts from: an empty stub Coldsend, a closed breaker, and a clock moved
 * two hours on, so no cached entry, quota window or hold of an earlier test can matter.
 */
public abstract class ProxyTestBase {

    @InjectColdsendStub
    protected WireMockServer coldsend;

    @Inject
    protected ManualTicker ticker;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    InFlight inFlight;

    @BeforeEach
    void startFromACleanSlate() {
        coldsend.resetAll();
        breakers.resetAll();
        ticker.advance(Duration.ofHours(2));
        InFlightCounter.resetPeak();
    }

    /**
     * How long past its window the key's budget counts a unit: the time its send may take to reach
     * Coldsend after the grant (the attempt timeout the tests run with, and a grace).
     */
    protected Duration inFlight() {
        return inFlight.longest();
    }

    /** A fresh random UUID, so no two tests ever share a lead. */
    protected static String uuid() {
        return UUID.randomUUID().toString();
    }

    /** The proxy's (and Coldsend's) path for one lead. */
    protected static String leadPath(String campaignId, String leadId) {
        return "/api/public/v1/campaigns/" + campaignId + "/leads/" + leadId;
    }

    /** Coldsend answers this lead with {@code answer}. */
    protected void upstreamAnswers(String campaignId, String leadId, ResponseDefinitionBuilder answer) {
        coldsend.stubFor(get(urlPathEqualTo(leadPath(campaignId, leadId))).willReturn(answer));
    }

    /** Coldsend answers every lead with {@code answer}. */
    protected void upstreamAnswersEveryLead(ResponseDefinitionBuilder answer) {
        coldsend.stubFor(get(urlPathMatching("/api/public/v1/campaigns/[^/]+/leads/[^/]+")).willReturn(answer));
    }

    /** A 200 lead answer carrying {@code body} as Coldsend would send it. */
    protected static ResponseDefinitionBuilder lead(byte[] body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** A small, valid lead body for {@code leadId}. */
    protected static byte[] leadBody(String leadId) {
        return ("{\"lead_id\":\"" + leadId + "\",\"email\":\"a@example.com\",\"first_name\":null,"
                + "\"last_name\":null,\"company\":null,\"status\":\"SENT\",\"last_contacted_at\":null,"
                + "\"opened_at\":null,\"replied_at\":null,\"created_at\":\"2026-01-01T00:00:00Z\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A Coldsend-shaped error answer. */
    protected static ResponseDefinitionBuilder error(int status, String detail) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"detail\": \"" + detail + "\"}");
    }

    /** Requests Coldsend received for one lead. */
    protected int upstreamCalls(String campaignId, String leadId) {
        return coldsend.countRequestsMatching(getRequestedFor(urlPathEqualTo(leadPath(campaignId, leadId))).build())
                .getCount();
    }

    /** Requests Coldsend received in all. */
    protected int upstreamCalls() {
        return coldsend.countRequestsMatching(RequestPatternBuilder.allRequests().build()).getCount();
    }

    /** A test resource file's bytes. */
    protected static byte[] resource(String name) {
        try (InputStream in = ProxyTestBase.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code request} to the proxy exactly as written, on a new connection, and returns the
     * answer's status line and headers: for requests an HTTP client will not send (a false
     * {@code Content-Length}, a malformed escape).
     */
    protected static String rawHead(String request) throws IOException {
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
