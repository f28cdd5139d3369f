package dev.coldsendproxy.lead;

import java.util.Locale;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * What the proxy decided, put on the lead request's server span. Quarkus's Vert.x tracing opens
 * that span for every request before any route runs, fresh hits answered by {@link FreshHitRoute}
 * included, and closes it with the status sent; this adds the consumer, how the cache answered and
 * the quota decision, so a trace answers "why was this slow, or refused" without a log search.
 * Consumer names only: no key (the caller's or Coldsend's) is ever put on a span.
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
    /** Access-line value of the trace id when tracing is off ({@code quarkus.otel.sdk.disabled=true}). */
    static final String NO_TRACE = "-";

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

    /** The trace id for the access line: the caller's own when it sent a {@code traceparent}. */
    static String traceId(Span span) {
        SpanContext context = span.getSpanContext();
        return context.isValid() ? context.getTraceId() : NO_TRACE;
    }
}
