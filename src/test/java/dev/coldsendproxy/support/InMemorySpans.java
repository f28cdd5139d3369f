package dev.coldsendproxy.support;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Finished spans kept in memory for the tests that read them. An alternative, enabled only by
 * {@link TracingProfile}: every other test runs as production does without a collector, spans made
 * and nothing exported. quarkus-opentelemetry exports to every {@code SpanExporter} bean.
 */
@Alternative
@Singleton
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
