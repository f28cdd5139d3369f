package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A restarted process without the Redis tier, as shipped ({@code proxy.quota.one-until-first-answer}):
 * a burst of cold asks right after the start sends one request, and then only what Coldsend's first
 * answer says the process before it left of the window.
 */
@QuarkusTest
@TestProfile(FirstAnswerRouteTest.AsShipped.class)
@WithTestResource(ColdsendStubResource.class)
class FirstAnswerRouteTest extends ProxyTestBase {

    /** The gate as shipped, and cold asks that wait long enough for a slow first answer. */
    public static class AsShipped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("proxy.quota.one-until-first-answer", "true", "proxy.quota.max-wait", "5s");
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void aBurstRightAfterTheStartSendsOneRequestThenWhatColdsendSaysRemains() {
        String campaign = uuid();
        long reset = System.currentTimeMillis() / 1000 + 30;
        // The process before spent all but 2 of the window; every answer takes a second.
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withHeader("X-RateLimit-Remaining", "2")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset)).withFixedDelay(1_000));

        List<CompletableFuture<HttpResponse<byte[]>>> burst = IntStream.range(0, 10)
                .mapToObj(i -> ConcurrentGets.send(proxy.resolve(leadPath(campaign, uuid())))).toList();
        List<Integer> statuses = burst.stream().map(answer -> ConcurrentGets.await(answer).statusCode()).toList();

        assertThat(upstreamCalls()).as("the first request, then the 2 its answer said remain; not 10").isEqualTo(3);
        assertThat(statuses).filteredOn(status -> status == 200).hasSize(3);
        assertThat(statuses).filteredOn(status -> status == 429).hasSize(7);
    }
}
