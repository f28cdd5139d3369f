package dev.coldsendproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ConcurrentGets;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A hanging Coldsend never holds more calls than the bulkhead, and every caller still gets an answer
 * in time. Retries keep the production spacing: an attempt whose timeout fired is reset and its
 * connection closed before its retry may start, so nothing needs spacing out to stay within bounds.
 */
@QuarkusTest
@TestProfile(ShortTimingsProfile.class)
@WithTestResource(WireCountingColdsend.class)
class BulkheadTest {

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void answersSixtyCallersWithinTheDeadlineWhileColdsendHangs() {
        WireCountingColdsend.startMeasuring(WireCountingColdsend.Mode.HANG);
        String campaign = UUID.randomUUID().toString();
        List<URI> sixtyColdLeads = IntStream.range(0, 60)
                .mapToObj(i -> proxy.resolve("/api/public/v1/campaigns/" + campaign + "/leads/" + UUID.randomUUID()))
                .toList();

        long started = System.nanoTime();
        List<HttpResponse<byte[]>> answers = ConcurrentGets.getAll(sixtyColdLeads);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

        assertThat(answers).hasSize(60).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isIn(503, 504);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"detail\"");
        });
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 503)
                .as("callers beyond bulkhead and queue are turned away at once")
                .allSatisfy(answer -> assertThat(answer.headers().firstValue("Retry-After")).isPresent());
        // Generous (the stub never answers, so without the deadline this would take forever), not a race.
        assertThat(millis).as("nobody hangs").isLessThan(ShortTimingsProfile.DEADLINE_MILLIS + 10_000);
        assertThat(WireCountingColdsend.PEAK.get()).isPositive().isLessThanOrEqualTo(ShortTimingsProfile.BULKHEAD_SLOTS);
    }
}
