package dev.coldsendproxy.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.resilience.WireCountingColdsend.Mode;
import dev.coldsendproxy.support.ConcurrentGets;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Issue 16's own case, with the production timings: 40 callers while Coldsend hangs (2 s attempts,
 * two retries, a 5 s deadline, a bulkhead of 16) once put 24 requests on the wire at once.
 */
@QuarkusTest
@TestProfile(DefaultTimingsOnTheWireTest.ProductionTimings.class)
@WithTestResource(WireCountingColdsend.class)
class DefaultTimingsOnTheWireTest {

    /** The production values, which the test configuration otherwise loosens for slow machines. */
    public static class ProductionTimings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coldsend.http.attempt-timeout", "2s", "coldsend.http.idle-timeout", "2s",
                    "coldsend.http.deadline", "5s");
        }
    }

    @TestHTTPResource("/")
    URI proxy;

    @Test
    void fortyCallersWhileColdsendHangsNeverPutMoreThanSixteenRequestsOnTheWire() {
        WireCountingColdsend.startMeasuring(Mode.HANG);
        String campaign = UUID.randomUUID().toString();

        List<HttpResponse<byte[]>> answers = ConcurrentGets.getAll(IntStream.range(0, 40)
                .mapToObj(i -> proxy.resolve("/api/public/v1/campaigns/" + campaign + "/leads/" + UUID.randomUUID()))
                .toList());

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isIn(503, 504));
        assertThat(WireCountingColdsend.RECEIVED.get()).as("attempts were retried").isGreaterThan(16);
        assertThat(WireCountingColdsend.PEAK.get()).as("peak on the wire").isPositive().isLessThanOrEqualTo(16);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(WireCountingColdsend.OPEN.get()).isZero());
    }
}
