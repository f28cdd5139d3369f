package dev.coldsendproxy.lead;

import org.jboss.logmanager.formatters.StructuredFormatter.ExceptionOutputType;

import io.quarkus.logging.json.runtime.JsonFormatter;

/**
 * The access lines' hand-over ({@link AccessLines}) wired by hand for the JMH benchmarks: what a
 * request pays on the event loop for its line (one record and one offer into the bounded queue),
 * with the writer thread draining into a category logged at no level, so the sink costs nothing;
 * and what the writer thread pays to turn a line into its JSON, with Quarkus's JSON formatter
 * (as before) and with {@link AccessLineFormatter} (as shipped).
 */
public final class BenchAccessLines implements AutoCloseable {

    private static final String CATEGORY = "dev.coldsendproxy.access.bench";

    private final AccessLines lines;
    private final JsonFormatter framework = new JsonFormatter();
    private final AccessLineFormatter proxy;

    public BenchAccessLines(int capacity) {
        java.util.logging.Logger.getLogger(CATEGORY).setLevel(java.util.logging.Level.OFF);
        this.lines = new AccessLines(CATEGORY, capacity);
        framework.setPrettyPrint(false);
        framework.setExceptionOutputType(ExceptionOutputType.DETAILED);
        this.proxy = AccessLineFormatter.matching(framework);
    }

    /** The writer thread's work for one line, formatted by Quarkus's JSON formatter. */
    public String formatByFramework(String requestId, String campaignId, String leadId) {
        return framework.format(record(requestId, campaignId, leadId));
    }

    /** The same line formatted by {@link AccessLineFormatter}: the same bytes. */
    public String formatByProxy(String requestId, String campaignId, String leadId) {
        return proxy.format(record(requestId, campaignId, leadId));
    }

    private static AccessRecord record(String requestId, String campaignId, String leadId) {
        return AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY, new AccessLines.Line(requestId,
                "0af7651916cd43dd8448eb211c80319c", "billing", LeadTelemetry.ROUTE, campaignId, leadId, "hit", 200,
                RequestTrace.NO_UPSTREAM_STATUS, 1_234_567));
    }

    /** One request's line, as {@code LeadTelemetry} hands it over; false when it was dropped. */
    public boolean offer(String requestId, String campaignId, String leadId, long startNanos) {
        return lines.offer(new AccessLines.Line(requestId, LeadSpan.NO_TRACE, "anonymous", LeadTelemetry.ROUTE, campaignId,
                leadId, "hit", 200, RequestTrace.NO_UPSTREAM_STATUS, System.nanoTime() - startNanos));
    }

    /** Lines dropped because the writer fell behind. */
    public long dropped() {
        return lines.dropped();
    }

    @Override
    public void close() {
        lines.close();
    }
}
