package dev.coldsendproxy.lead;

import java.util.Locale;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * What the proxy decided, put on the lead request's server span. {@link LeadServerSpans} opens
 * that span for every lead request that goes past the fresh-hit route and closes it with the status
 * sent (fresh hits make none: they cost too little to carry a span); this adds the consumer, how the
 * cache answered and the quota decision, so a trace answers "why was this slow, or refused" without
 * a log search. Consumer names only: no key (the caller's or Coldsend's) is ever put on a span.
 */
final class LeadSpan {

    /** The consumer's configured name ({@code anonymous}, {@code unidentified} as in the metrics). */
    static final AttributeKey<String> CONSUMER = AttributeKey.stringKey("coldsend_proxy.consumer");
    /** {@code hit}, {@code miss}, {@code stale}, {@code coalesced} or {@code rejected}, as in the access line. */
    static final AttributeKey<String> CACHE_OUTCOME = AttributeKey.stringKey("coldsend_proxy.cache.outcome");
    /** {@link QuotaDecision} of this request. */
    static final AttributeKey<String> QUOTA_DECISION = AttributeKey.stringKey("coldsend_proxy.quota.decision");
    /** Status of this request's own last Coldsend answer, absent when it made no call. */
    static final AttributeKey<Long> UPSTREAM_STATUS = AttributeKey.longKey("coldsend_proxy.upstream.status_code");
    /** Access-line value of the trace id when there is none: no span, and no valid {@code traceparent}. */
    static final String NO_TRACE = "-";
    /** Length of a version-00 {@code traceparent}: {@code 00-<32 hex>-<16 hex>-<2 hex>}. */
    private static final int TRACEPARENT_LENGTH = 55;
    private static final int TRACE_ID_AT = 3;
    private static final int SPAN_ID_AT = 36;
    private static final int FLAGS_AT = 53;

    /** How the request's budget question was answered. */
    enum QuotaDecision {
        /**
         * No unit was asked for: answered from the cache (a stale copy while the budget is low included),
         * by another request's call, or rejected before the budget was asked (bad ids, a wrong key).
         */
        NONE,
        /** A unit was paid and at least one attempt went to Coldsend. */
        GRANTED,
        /** The budget refused the unit: answered 429, or with a stale copy instead of a refresh. */
        REFUSED;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private LeadSpan() {
    }

    /** The server span of the request being handled on this thread (an invalid one when tracing is off). */
    static Span current() {
        return Span.current();
    }

    /**
     * Annotates the request's span; does nothing when the span records nothing (tracing off, not
     * sampled). Call it before the response is written: the span ends with the response, and an
     * ended span takes no more attributes.
     */
    static void record(Span span, String consumer, String outcome, QuotaDecision quota, int upstreamStatus) {
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(CONSUMER, consumer);
        span.setAttribute(CACHE_OUTCOME, outcome);
        span.setAttribute(QUOTA_DECISION, quota.tag);
        if (upstreamStatus != RequestTrace.NO_UPSTREAM_STATUS) {
            span.setAttribute(UPSTREAM_STATUS, upstreamStatus);
        }
    }

    /**
     * The trace id for the access line: the span's (the caller's own when it sent a
     * {@code traceparent}); without a span (a fresh hit, or tracing off) the caller's, read from its
     * {@code traceparent}, so the line can still be found from the caller's trace; else {@link #NO_TRACE}.
     */
    static String traceId(Span span, String traceparent) {
        SpanContext context = span.getSpanContext();
        return context.isValid() ? context.getTraceId() : callersTraceId(traceparent);
    }

    /**
     * The trace id of a valid W3C {@code traceparent}, or {@link #NO_TRACE}: lower-case hex fields at
     * their places, a trace id not all zeros, version {@code ff} refused, and version {@code 00} exactly
     * 55 characters long (later versions may append fields, after a {@code -}). The same rules as the
     * SDK's W3C propagator, without its cost on a hit: it would build a Context and a SpanContext and
     * parse {@code tracestate} for one id that is only logged.
     */
    static String callersTraceId(String traceparent) {
        if (traceparent == null || traceparent.length() < TRACEPARENT_LENGTH
                || traceparent.charAt(TRACE_ID_AT - 1) != '-' || traceparent.charAt(SPAN_ID_AT - 1) != '-'
                || traceparent.charAt(FLAGS_AT - 1) != '-'
                || !hex(traceparent, 0, TRACE_ID_AT - 1) || traceparent.startsWith("ff")
                || traceparent.startsWith("00") && traceparent.length() != TRACEPARENT_LENGTH
                || traceparent.length() > TRACEPARENT_LENGTH && traceparent.charAt(TRACEPARENT_LENGTH) != '-'
                || !hex(traceparent, TRACE_ID_AT, SPAN_ID_AT - 1) || !hex(traceparent, SPAN_ID_AT, FLAGS_AT - 1)
                || !hex(traceparent, FLAGS_AT, TRACEPARENT_LENGTH)
                || zeros(traceparent, TRACE_ID_AT, SPAN_ID_AT - 1) || zeros(traceparent, SPAN_ID_AT, FLAGS_AT - 1)) {
            return NO_TRACE;
        }
        return traceparent.substring(TRACE_ID_AT, SPAN_ID_AT - 1);
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
