package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * A fresh hit has no span: its access line takes the trace id from the caller's {@code traceparent},
 * and only from a valid one (W3C Trace Context, version 00), so a garbled header never reaches the log.
 */
class LeadSpanTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";

    @Test
    void readsTheTraceIdOfAValidTraceparent() {
        assertThat(LeadSpan.callersTraceId("00-" + TRACE + "-" + PARENT + "-01")).isEqualTo(TRACE);
        assertThat(LeadSpan.callersTraceId("00-" + TRACE + "-" + PARENT + "-00")).as("not sampled").isEqualTo(TRACE);
        assertThat(LeadSpan.callersTraceId("01-" + TRACE + "-" + PARENT + "-01-later-fields")).as("a later version")
                .isEqualTo(TRACE);
    }

    @Test
    void refusesEveryMalformedOne() {
        String[] malformed = {
                null,
                "",
                "00-" + TRACE + "-" + PARENT,
                "00-" + TRACE + "-" + PARENT + "-01-",
                "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01",
                "00-" + "0".repeat(32) + "-" + PARENT + "-01",
                "00-" + TRACE + "-" + "0".repeat(16) + "-01",
                "ff-" + TRACE + "-" + PARENT + "-01",
                "0g-" + TRACE + "-" + PARENT + "-01",
                "00_" + TRACE + "-" + PARENT + "-01",
                "00-" + TRACE + "_" + PARENT + "-01",
                "00-" + TRACE + "-" + PARENT + "_01",
                "00-" + TRACE.substring(1) + "x-" + PARENT + "-01",
                "00-" + TRACE + "-" + PARENT + "-0z",
                "01-" + TRACE + "-" + PARENT + "-01x",
        };
        for (String traceparent : malformed) {
            assertThat(LeadSpan.callersTraceId(traceparent)).as(String.valueOf(traceparent)).isEqualTo(LeadSpan.NO_TRACE);
        }
    }

    @Test
    void prefersTheProxysOwnSpanWhenThereIsOne() {
        String own = "0af7651916cd43dd8448eb211c80319c";
        Span span = Span.wrap(SpanContext.create(own, "b7ad6b7169203331", TraceFlags.getSampled(), TraceState.getDefault()));

        assertThat(LeadSpan.traceId(span, "00-" + TRACE + "-" + PARENT + "-01")).isEqualTo(own);
        assertThat(LeadSpan.traceId(Span.getInvalid(), "00-" + TRACE + "-" + PARENT + "-01")).isEqualTo(TRACE);
        assertThat(LeadSpan.traceId(Span.getInvalid(), null)).isEqualTo(LeadSpan.NO_TRACE);
    }
}
