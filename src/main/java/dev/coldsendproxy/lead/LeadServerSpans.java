package dev.coldsendproxy.lead;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.semconv.HttpAttributes;
import io.opentelemetry.semconv.UrlAttributes;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * Opens the server span of a lead request that goes past the fresh-hit route: a miss, a stale
 * answer, a revalidation, a refusal or an error. Vert.x's own server spans are off on the public
 * port ({@code tracing.UntracedServerRequests}) because they cost a fresh hit more than the hit
 * itself; so the span is opened here, continuing the caller's {@code traceparent}, and made current
 * on the request's Vert.x context, where {@link LeadResource}, each Coldsend attempt's client span
 * and the Redis tier's commands find it. It ends with the response, carrying its status.
 * With {@code quarkus.otel.sdk.disabled=true} the tracer and propagator are no-ops: nothing is made.
 */
@ApplicationScoped
class LeadServerSpans {


    private final Tracer tracer;
    private final TextMapPropagator propagator;

    /**
     * {@code openTelemetry} is unresolvable when {@code quarkus.otel.enabled=false} takes tracing out
     * of the build; the no-op then makes nothing, as the SDK does when disabled at run time.
     */
    LeadServerSpans(Instance<OpenTelemetry> openTelemetry) {
        OpenTelemetry otel = openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop();
        this.tracer = otel.getTracer("dev.coldsendproxy.lead");
        this.propagator = otel.getPropagators().getTextMapPropagator();
    }

    /** Opens the request's span, makes it current for all that follows, then hands the request on. */
    void next(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Context parent = propagator.extract(Context.root(), request, RequestHeaders.INSTANCE);
        String method = request.method().name();
        String path = request.path();
        // Only the lead route's shape is that route: any other path under the prefix is a 404, named by its method alone.
        boolean onRoute = LeadPath.onRoute(ctx.normalizedPath());
        SpanBuilder builder = tracer.spanBuilder(onRoute ? method + " " + LeadPath.TEMPLATE : method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HttpAttributes.HTTP_REQUEST_METHOD, method)
                .setAttribute(UrlAttributes.URL_PATH, path)
                .setAttribute(UrlAttributes.URL_SCHEME, request.scheme());
        if (onRoute) {
            builder.setAttribute(HttpAttributes.HTTP_ROUTE, LeadPath.TEMPLATE);
        }
        Span span = builder.startSpan();
        // On the request's duplicated Vert.x context: Quarkus's context storage keeps it there, not in a thread local.
        Scope scope = parent.with(span).makeCurrent();
        ctx.addEndHandler(ended -> {
            HttpServerResponse response = ctx.response();
            if (response.ended()) {
                int status = response.getStatusCode();
                span.setAttribute(HttpAttributes.HTTP_RESPONSE_STATUS_CODE, (long) status);
                if (status >= 500) {
                    span.setStatus(StatusCode.ERROR);
                }
            } else {
                span.setStatus(StatusCode.ERROR, "connection closed before the response was sent");
            }
            scope.close();
            span.end();
        });
        ctx.next();
    }

    /** A W3C {@code traceparent} / {@code tracestate} reader over the request's headers. */
    private enum RequestHeaders implements TextMapGetter<HttpServerRequest> {
        INSTANCE;

        @Override
        public Iterable<String> keys(HttpServerRequest request) {
            return request.headers().names();
        }

        @Override
        public String get(HttpServerRequest request, String key) {
            return request == null ? null : request.getHeader(key);
        }
    }
}
