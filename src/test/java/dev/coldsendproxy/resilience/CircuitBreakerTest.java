package dev.coldsendproxy.resilience;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.upstream.ColdsendClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

import jakarta.inject.Inject;

/** The breaker opens on failures (not on 404s), answers fast while open, and closes once Coldsend heals. */
@QuarkusTest
@TestProfile(ShortTimingsProfile.class)
@WithTestResource(ColdsendStubResource.class)
class CircuitBreakerTest extends ProxyTestBase {

    @Inject
    ColdsendClient upstream;

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void opensAfterFailuresAndAnswers503FastWithoutCallingColdsend() {
        String campaign = uuid();
        openTheBreaker(campaign);
        hangWhileOpen();
        int callsWhenOpened = upstreamCalls();

        long started = System.nanoTime();
        Response response = given().get(leadPath(campaign, uuid()));
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Long.parseLong(response.header("Retry-After")))
                .isBetween(1L, ShortTimingsProfile.BREAKER_DELAY_MILLIS / 1000 + 1);
        assertThat(response.jsonPath().getString("detail")).contains("Retry after");
        // A call that reached the hanging Coldsend would end in 504 at the deadline, not in 503 before it.
        assertThat(millis).isLessThan(ShortTimingsProfile.DEADLINE_MILLIS);
        assertThat(upstreamCalls()).isEqualTo(callsWhenOpened);
    }

    @Test
    void servesAStaleCopyAtOnceWhileTheBreakerIsOpen() {
        String campaign = uuid();
        String known = uuid();
        upstreamAnswers(campaign, known, lead(leadBody(known)));
        given().get(leadPath(campaign, known)).then().statusCode(200);
        ticker.advance(Duration.ofMinutes(3));
        openTheBreaker(campaign);
        hangWhileOpen();
        int callsWhenOpened = upstreamCalls();

        long started = System.nanoTime();
        Response response = given().get(leadPath(campaign, known));

        assertThat(response.header("X-Cache")).isEqualTo("STALE");
        assertThat(response.header("Age")).isEqualTo("180");
        // Had it asked the hanging Coldsend, the stale copy would only come once the deadline had passed.
        assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isLessThan(ShortTimingsProfile.DEADLINE_MILLIS);
        assertThat(upstreamCalls()).isEqualTo(callsWhenOpened);
    }

    @Test
    void closesAgainOnceColdsendHealsWithoutARestart() {
        String campaign = uuid();
        openTheBreaker(campaign);
        upstreamAnswersEveryLead(lead(leadBody(uuid())));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get(leadPath(campaign, uuid())).statusCode() == 200);
        assertThat(upstream.breakerState()).isEqualTo(CircuitBreakerState.HALF_OPEN);

        assertThat(given().get(leadPath(campaign, uuid())).statusCode()).isEqualTo(200);
        assertThat(upstream.breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void doesNotCountNotFoundAgainstColdsend() {
        String campaign = uuid();
        upstreamAnswersEveryLead(error(404, "Lead not found"));

        for (int i = 0; i < 12; i++) {
            assertThat(given().get(leadPath(campaign, uuid())).statusCode()).isEqualTo(404);
        }

        assertThat(upstream.breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(upstreamCalls()).isEqualTo(12);
    }

    @Test
    void doesNotOpenWhenOnlyTheBulkheadIsFull() {
        String campaign = uuid();
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withFixedDelay(100));

        // Bursts of 24 until one overflows bulkhead and queue (8): on a loaded machine a burst can trickle
        // in slower than Coldsend answers, and then nobody is turned away and there is nothing to prove.
        List<HttpResponse<byte[]>> answers = List.of();
        for (int burst = 0; burst < 10 && answers.stream().noneMatch(answer -> answer.statusCode() == 503); burst++) {
            answers = ConcurrentGets.getAll(IntStream.range(0, 24)
                    .mapToObj(i -> proxy.resolve(leadPath(campaign, uuid()))).toList());
        }

        assertThat(answers).filteredOn(answer -> answer.statusCode() == 503).as("turned away by the full bulkhead")
                .isNotEmpty();
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).isNotEmpty();
        assertThat(upstream.breakerState()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    /** From now on Coldsend hangs: a call that reaches it costs the whole deadline, which any timing shows. */
    private void hangWhileOpen() {
        upstreamAnswersEveryLead(lead(leadBody(uuid())).withFixedDelay(30_000));
    }

    /** Fails cold requests until the breaker opens (4 failed attempts: 2 requests of 3 attempts each, normally). */
    private void openTheBreaker(String campaign) {
        upstreamAnswersEveryLead(error(500, "boom"));
        for (int i = 0; i < 4 && upstream.breakerState() != CircuitBreakerState.OPEN; i++) {
            assertThat(given().get(leadPath(campaign, uuid())).statusCode()).isIn(502, 503, 504);
        }
        assertThat(upstream.breakerState()).isEqualTo(CircuitBreakerState.OPEN);
    }
}
