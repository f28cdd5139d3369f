package dev.coldsendproxy.lead;

import org.jboss.logging.Logger;

/**
 * The access lines' hand-over ({@link AccessLines}) wired by hand for the JMH benchmarks: what a
 * request pays on the event loop for its line (one record and one offer into the bounded queue),
 * with the writer thread draining into a category logged at no level, so the sink costs nothing.
 */
public final class BenchAccessLines implements AutoCloseable {

    private static final String CATEGORY = "dev.coldsendproxy.access.bench";

    private final AccessLines lines;

    public BenchAccessLines(int capacity) {
        java.util.logging.Logger.getLogger(CATEGORY).setLevel(java.util.logging.Level.OFF);
        this.lines = new AccessLines(Logger.getLogger(CATEGORY), LeadTelemetry.ROUTE, capacity);
    }

    /** One request's line, as {@code LeadTelemetry} hands it over; false when it was dropped. */
    public boolean offer(String requestId, String campaignId, String leadId, long startNanos) {
        return lines.offer(new AccessLines.Line(requestId, LeadSpan.NO_TRACE, "anonymous", campaignId, leadId, "hit", 200,
                RequestTrace.NO_UPSTREAM_STATUS, System.nanoTime() - startNanos));
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
