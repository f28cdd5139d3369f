package dev.coldsendproxy.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.semconv.UrlAttributes;

import jakarta.inject.Singleton;

/**
 * Keeps what callers put in a query string out of every span. The proxy reads nothing from the
 * query, but the HTTP instrumentation records it ({@code url.query}, {@code url.full}) as sent, and
 * a caller that puts its key there ({@code ?api_key=...}) would otherwise have it exported to the
 * tracing backend. Parameter names are kept, values become {@value #REDACTED}. Runs when each span
 * starts, after the instrumentation has set those attributes and before anything can export them.
 * quarkus-opentelemetry adds every {@code SpanProcessor} bean to the tracer provider.
 */
@Singleton
class QueryRedaction implements SpanProcessor {

    static final String REDACTED = "REDACTED";

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        String query = span.getAttribute(UrlAttributes.URL_QUERY);
        if (query != null) {
            span.setAttribute(UrlAttributes.URL_QUERY, redact(query));
        }
        String full = span.getAttribute(UrlAttributes.URL_FULL);
        int mark = full == null ? -1 : full.indexOf('?');
        if (mark >= 0) {
            span.setAttribute(UrlAttributes.URL_FULL, full.substring(0, mark + 1) + redact(full.substring(mark + 1)));
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }

    /** {@code a=1&b&c=2#f} becomes {@code a=REDACTED&b&c=REDACTED}: names kept, values and fragment gone. */
    static String redact(String query) {
        int hash = query.indexOf('#');
        String plain = hash >= 0 ? query.substring(0, hash) : query;
        StringBuilder out = new StringBuilder(plain.length());
        for (String pair : plain.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int equals = pair.indexOf('=');
            out.append(equals >= 0 ? pair.substring(0, equals + 1) + REDACTED : pair);
        }
        return out.toString();
    }
}
