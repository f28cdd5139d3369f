package dev.coldsendproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.resilience.WireCountingColdsend.Mode;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.Metrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Cancelled means gone: an attempt whose timeout fires, or that the caller's deadline cuts, is reset
 * on the wire at once, so hangs, drips and late answers, retried, never put more requests on the wire
 * than the bulkhead allows. Counted by a stub that holds a request open until its connection closes.
 */
@QuarkusTest
@TestProfile(AbandonedAttemptsTest.Quick.class)
@WithTestResource(WireCountingColdsend.class)
class AbandonedAttemptsTest {

    static final int BULKHEAD = 3;
    static final int QUEUE = 3;
    static final int CALLERS = 9;
    static final int REPETITIONS = 50;

    /**
     * Short clocks so 50 rounds fit in a test run: two attempts of 200 ms fit a 500 ms deadline with
     * the production backoff. The breaker never opens (it would keep the stub idle), and the idle
     * timeout is far off, so only the attempt timeout and the deadline can end a request.
     */
    public static class Quick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("coldsend.http.attempt-timeout", "200ms");
            config.put("coldsend.http.deadline", "500ms");
            config.put("coldsend.http.idle-timeout", "60s");
            config.put(ShortTimingsProfile.GUARDED + "circuit-breaker.request-volume-threshold", "1000000");
            config.put(ShortTimingsProfile.BULKHEAD + "bulkhead.value", String.valueOf(BULKHEAD));
            config.put(ShortTimingsProfile.BULKHEAD + "bulkhead.waiting-task-queue", String.valueOf(QUEUE));
            return config;
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void hangsDripsAndLateAnswersNeverPutMoreRequestsOnTheWireThanTheBulkhead() {
        Metrics before = Metrics.scrape();
        int received = 0;
        for (int i = 0; i < REPETITIONS; i++) {
            int round = i;
            Mode mode = Mode.values()[round % Mode.values().length];
            WireCountingColdsend.startMeasuring(mode);

            List<HttpResponse<byte[]>> answers = ConcurrentGets.getAll(coldLeads(CALLERS));

            assertThat(answers).as("round %d (%s)", round, mode)
                    .allSatisfy(answer -> assertThat(answer.statusCode()).isIn(503, 504));
            assertThat(WireCountingColdsend.PEAK.get()).as("peak on the wire, round %d (%s)", round, mode)
                    .isPositive().isLessThanOrEqualTo(BULKHEAD);
            // Every caller has its answer: nothing may stay on the wire. The bound is generous; without the
            // reset a dripping answer stays open for good and a hang until the 60 s idle timeout.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(WireCountingColdsend.OPEN.get())
                    .as("requests still open after round %d (%s)", round, mode).isZero());
            received += WireCountingColdsend.RECEIVED.get();
            // Each round starts with the bulkhead empty: a retry still in its backoff when the caller was
            // answered holds its slot (without sending anything) until it finds the deadline passed.
            await().atMost(Duration.ofSeconds(5)).until(AbandonedAttemptsTest::bulkheadIsEmpty);
        }
        Metrics after = Metrics.scrape();

        assertThat(received).as("attempts were retried, not only admitted once").isGreaterThan(REPETITIONS * BULKHEAD);
        assertThat(cut(after, "attempt_timeout") - cut(before, "attempt_timeout")).isPositive();
        assertThat(cut(after, "deadline") - cut(before, "deadline")).isPositive();
    }

    private static boolean bulkheadIsEmpty() {
        Metrics now = Metrics.scrape();
        return now.value("ft_bulkhead_executionsRunning", "ColdsendBulkhead") == 0
                && now.value("ft_bulkhead_executionsWaiting", "ColdsendBulkhead") == 0;
    }

    private static double cut(Metrics metrics, String reason) {
        return metrics.value("proxy_upstream_attempts_cut_total", "reason=\"" + reason + "\"");
    }

    private List<URI> coldLeads(int count) {
        String campaign = UUID.randomUUID().toString();
        return IntStream.range(0, count)
                .mapToObj(i -> proxy.resolve("/api/public/v1/campaigns/" + campaign + "/leads/" + UUID.randomUUID()))
                .toList();
    }
}
