package dev.coldsendproxy.tracing;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;

import jakarta.inject.Singleton;

/**
 * Turns off Vert.x's own server spans on the public port. quarkus-opentelemetry would open one for
 * every request before any route runs; on a fresh hit that span cost more than the rest of the hit
 * (48 against 29 µs of CPU, 3.1 KB more allocated per hit: docs/benchmarks.md "As shipped"), and a hit
 * makes no call worth tracing. The proxy opens its own server span where a request goes past the
 * cache ({@code lead.LeadServerSpans}); Coldsend attempts and Redis commands stay client spans of
 * Vert.x's tracer, children of that span. Only the server side is changed: clients keep their
 * policy, and the management port is never traced anyway.
 */
@Singleton
class UntracedServerRequests implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setTracingPolicy(TracingPolicy.IGNORE);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setTracingPolicy(TracingPolicy.IGNORE);
    }
}
