package dev.coldsendproxy.lead;

import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.netty.util.internal.PlatformDependent;

/**
 * Access lines written off the event loop: a request hands one small record to a bounded,
 * lock-free queue (Netty's MPSC array queue, already on the classpath through Vert.x) and a
 * single daemon thread formats and logs it. When the sink falls behind and the queue is full,
 * lines are dropped rather than blocking a request, counted, and reported in at most one WARN a
 * minute. {@link #close()} writes every queued line before it returns (on shutdown).
 */
final class AccessLines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLines.class);
    private static final long IDLE_PARK = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);

    /** The MDC keys of an access line, in the order of the documented fields. */
    private static final String[] FIELDS = { "request_id", "trace_id", "consumer", "route", "campaign_id", "lead_id", "outcome",
            "status", "upstream_status", "duration_ms" };
    /** Room for a line's message with a 128-character request id, so the builder never grows. */
    private static final int MESSAGE_CAPACITY = 512;
    private static final String[] STATUS_TEXT = new String[600];

    static {
        for (int i = 0; i < STATUS_TEXT.length; i++) {
            STATUS_TEXT[i] = Integer.toString(i);
        }
    }

    private final Logger access;
    /** The writer thread's message builder, reused for every line. */
    private final StringBuilder message = new StringBuilder(MESSAGE_CAPACITY);
    private final String route;
    private final Queue<Line> queue;
    private final int capacity;
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closing;
    private long droppedReported;
    private long lastWarnAt = System.nanoTime() - WARN_EVERY;

    AccessLines(Logger access, String route, int capacity) {
        this.access = access;
        this.route = route;
        this.capacity = capacity;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.writer = new Thread(this::drain, "access-lines");
        writer.setDaemon(true);
        writer.start();
    }

    /** One request's access line, as handed over by the request. */
    record Line(String requestId, String traceId, String consumer, String campaignId, String leadId, String outcome, int status,
            int upstreamStatus, long durationNanos) {
    }

    /**
     * Queues one line; never blocks. Returns false (and counts a drop) when the queue is full. A
     * line arriving once the writer has finished (a request answered during shutdown) is written
     * on the caller's thread: there is no event loop left to spare then.
     */
    boolean offer(Line line) {
        if (!writer.isAlive()) {
            synchronized (this) {
                write(line);
            }
            return true;
        }
        if (queue.offer(line)) {
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Lines dropped so far because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** The bound of the queue. */
    int capacity() {
        return capacity;
    }

    /** Writes every queued line, then stops the writer (waiting at most {@code 10 s}); later lines are written inline. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain() {
        while (true) {
            Line line = queue.poll();
            if (line != null) {
                write(line);
                continue;
            }
            warnOfDrops();
            if (closing && queue.isEmpty()) {
                return;
            }
            LockSupport.parkNanos(IDLE_PARK);
        }
    }

    private void warnOfDrops() {
        long now = System.nanoTime();
        if (now - lastWarnAt < WARN_EVERY) {
            return;
        }
        long total = dropped.sum();
        if (total > droppedReported) {
            removeFields(); // the last line's fields are still in this thread's MDC; the WARN is not an access line
            LOG.warnf("%d access lines dropped since the last report: the log sink is slower than the traffic"
                    + " (queue of %d lines; proxy_access_lines_dropped_total counts them)", total - droppedReported, capacity);
            droppedReported = total;
            lastWarnAt = now;
        }
    }

    /**
     * Writes the line: the fields go into the MDC (separate JSON fields in production) and, as
     * {@code key=value} pairs, into the message (readable in plain dev/test logs). On the writer
     * thread the MDC keeps the ten keys between lines, so each line replaces their values rather
     * than adding and removing map entries, and the message is built in one reused builder: both
     * were a fifth of the bytes a line allocated (bench/alloc.sh). A line written inline, on
     * another thread after close, removes its keys again.
     */
    private void write(Line line) {
        boolean inline = Thread.currentThread() != writer;
        String duration = millis(line.durationNanos());
        String upstreamValue = line.upstreamStatus() == RequestTrace.NO_UPSTREAM_STATUS ? "-"
                : statusText(line.upstreamStatus());
        String status = statusText(line.status());
        MDC.put("request_id", line.requestId());
        MDC.put("trace_id", line.traceId());
        MDC.put("consumer", line.consumer());
        MDC.put("route", route);
        MDC.put("campaign_id", line.campaignId());
        MDC.put("lead_id", line.leadId());
        MDC.put("outcome", line.outcome());
        MDC.put("status", status);
        MDC.put("upstream_status", upstreamValue);
        MDC.put("duration_ms", duration);
        StringBuilder text = inline ? new StringBuilder(MESSAGE_CAPACITY) : message;
        text.setLength(0);
        try {
            access.info(text
                    .append("request_id=").append(line.requestId())
                    .append(" trace_id=").append(line.traceId())
                    .append(" consumer=").append(line.consumer())
                    .append(" route=\"").append(route).append('"')
                    .append(" campaign_id=").append(line.campaignId())
                    .append(" lead_id=").append(line.leadId())
                    .append(" outcome=").append(line.outcome())
                    .append(" status=").append(status)
                    .append(" upstream_status=").append(upstreamValue)
                    .append(" duration_ms=").append(duration)
                    .toString());
        } catch (RuntimeException e) {
            LOG.debugf("access line not written: %s", e.getMessage());
        } finally {
            if (inline) {
                removeFields();
            }
        }
    }

    private static void removeFields() {
        for (String field : FIELDS) {
            MDC.remove(field);
        }
    }

    /** The decimal text of an HTTP status, without a new String for the usual ones. */
    static String statusText(int status) {
        return status >= 0 && status < STATUS_TEXT.length ? STATUS_TEXT[status] : Integer.toString(status);
    }

    /** Milliseconds with three decimals, without String.format. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
