package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.github.tomakehurst.wiremock.http.Fault;

import dev.coldsendproxy.support.CapturedLogs;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.coldsendproxy.upstream.ColdsendConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.restassured.response.Response;
import io.smallrye.config.SmallRyeConfigBuilder;

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

    /**
     * The production defaults themselves (tests run with more room, see application.properties); what
     * they do is proven with shortened values (FaultInjectionTest, AbandonedAttemptsTest) and, once, as
     * they are (DefaultTimingsOnTheWireTest), rather than by waiting out five real seconds here.
     */
    @Test
    void defaultsToTwoSecondAttemptsWithinAFiveSecondDeadline() {
        ColdsendConfig defaults = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter()).withMapping(ColdsendConfig.class).build()
                .getConfigMapping(ColdsendConfig.class);

        assertThat(defaults.http().attemptTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.http().deadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.http().idleTimeout()).isLessThanOrEqualTo(defaults.http().attemptTimeout());
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
