package dev.coldsendproxy.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import dev.coldsendproxy.support.RedisServerResource;
import dev.coldsendproxy.support.TracingProfile;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import jakarta.inject.Inject;

/** With the Redis tier on, a miss's trace shows its Redis commands beside its Coldsend attempt. */
@QuarkusTest
@TestProfile(TracingProfile.class)
@WithTestResource(ColdsendStubResource.class)
@WithTestResource(RedisServerResource.class)
class RedisTracingTest extends ProxyTestBase {

    private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void showsTheRedisCommandsOfAMissInItsTrace() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        given().header("X-API-Key", TracingProfile.CONSUMER_KEY)
                .header("traceparent", "00-" + TRACE_ID + "-" + "b7ad6b7169203331" + "-01")
                .get(leadPath(campaign, leadId)).then().statusCode(200);

        List<SpanData> trace = await().atMost(Duration.ofSeconds(20)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(TRACE_ID)).toList(),
                all -> all.stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
        assertThat(trace).filteredOn(span -> "redis".equals(span.getAttributes().get(AttributeKey.stringKey("db.system"))))
                .isNotEmpty()
                .allSatisfy(span -> assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT));
        assertThat(trace).filteredOn(span -> span.getKind() == SpanKind.CLIENT
                && span.getAttributes().get(AttributeKey.stringKey("db.system")) == null).hasSize(1);
    }
}
