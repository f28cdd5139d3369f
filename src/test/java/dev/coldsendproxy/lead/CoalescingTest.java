package dev.coldsendproxy.lead;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Concurrent misses for one lead share one upstream call, and waiting never blocks the event loop. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class CoalescingTest extends ProxyTestBase {

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void coalescesConcurrentMissesIntoOneUpstreamCall() {
        String campaign = uuid();
        String leadId = uuid();
        byte[] body = leadBody(leadId);
        upstreamAnswers(campaign, leadId, lead(body).withFixedDelay(500));

        List<HttpResponse<byte[]>> answers = ConcurrentGets.getAll(
                Collections.nCopies(200, proxy.resolve(leadPath(campaign, leadId))));

        assertThat(answers).hasSize(200).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(body);
        });
        assertThat(upstreamCalls(campaign, leadId)).isEqualTo(1);
    }

    @Test
    void servesHitsWhileManyMissesWaitOnASlowUpstream() {
        String campaign = uuid();
        String hot = uuid();
        upstreamAnswers(campaign, hot, lead(leadBody(hot)));
        ConcurrentGets.get(proxy.resolve(leadPath(campaign, hot)));
        coldsend.stubFor(get(urlPathMatching("/api/public/v1/campaigns/[^/]+/leads/(?!" + hot + ")[^/]+"))
                .willReturn(lead(leadBody(uuid())).withFixedDelay(1_500)).atPriority(1));

        List<CompletableFuture<HttpResponse<byte[]>>> slowMisses = IntStream.range(0, 16)
                .mapToObj(i -> ConcurrentGets.send(proxy.resolve(leadPath(campaign, uuid())))).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> upstreamCalls() == 1 + 16);
        HttpResponse<byte[]> hit = ConcurrentGets.get(proxy.resolve(leadPath(campaign, hot)));
        boolean missesStillWaiting = slowMisses.stream().noneMatch(CompletableFuture::isDone);

        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(missesStillWaiting).as("the hit was answered while all 16 misses waited on Coldsend").isTrue();
        assertThat(slowMisses).allSatisfy(miss -> assertThat(miss.join().statusCode()).isEqualTo(200));
    }
}
