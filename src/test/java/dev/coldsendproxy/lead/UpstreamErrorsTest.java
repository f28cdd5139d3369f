package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.http.Fault;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** What callers get when Coldsend does not give a lead: a clear JSON answer, never a 500 or a trace. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class UpstreamErrorsTest extends ProxyTestBase {

    @ParameterizedTest
    @ValueSource(ints = { 401, 403 })
    void blamesTheProxyCredentialsWhenColdsendRejectsTheKey(int upstreamStatus) {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(upstreamStatus, "Invalid or revoked API key"));

        Response response;
        try (CapturedLogs logs = CapturedLogs.capture()) {
            response = given().get(leadPath(campaign, leadId));

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("ERROR").contains("COLDSEND_API_KEY").contains(String.valueOf(upstreamStatus)));
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains(ColdsendStubResource.PROXY_KEY));
        }
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail"))
                .isEqualTo("upstream rejected the proxy's Coldsend credentials");
        assertThat(upstreamCalls(campaign, leadId)).as("a rejected key is not retried").isEqualTo(1);
    }

    @Test
    void answers502WhenColdsendKeepsFailing() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, error(500, "Internal Server Error"));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(response.jsonPath().getString("detail")).contains("HTTP 500");
        assertThat(response.asString()).doesNotContain("Exception").doesNotContain("localhost");
    }

    @Test
    void answers504WithinTheDefaultFiveSecondDeadlineWhenColdsendHangs() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)).withFixedDelay(30_000));

        long started = System.nanoTime();
        Response response = given().get(leadPath(campaign, leadId));
        long millis = java.time.Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(millis).isBetween(4_000L, 6_000L);
        assertThat(upstreamCalls(campaign, leadId)).as("2 s attempts, retried, cut by the 5 s deadline").isBetween(2, 3);
    }

    @Test
    void answers502WhenTheConnectionIsReset() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.jsonPath().getString("detail")).isEqualTo("Coldsend could not be reached. Retry later.");
    }

    @Test
    void answers502WhenColdsendSendsSomethingThatIsNotALead() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body>502 Bad Gateway</body></html>"));

        Response response = given().get(leadPath(campaign, leadId));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.jsonPath().getString("detail")).contains("could not use");
    }
}
