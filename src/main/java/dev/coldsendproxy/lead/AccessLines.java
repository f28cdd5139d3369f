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

    private final Logger access;
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
            LOG.warnf("%d access lines dropped since the last report: the log sink is slower than the traffic"
                    + " (queue of %d lines; proxy_access_lines_dropped_total counts them)", total - droppedReported, capacity);
            droppedReported = total;
            lastWarnAt = now;
        }
    }

    /**
     * Writes the line: the fields go into the MDC (separate JSON fields in production) and, as
     * {@code key=value} pairs, into the message (readable in plain dev/test logs).
     */
    private void write(Line line) {
        String duration = millis(line.durationNanos());
        String upstreamValue = line.upstreamStatus() == RequestTrace.NO_UPSTREAM_STATUS ? "-"
                : Integer.toString(line.upstreamStatus());
        String status = Integer.toString(line.status());
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
        try {
            access.info(new StringBuilder(256)
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
            MDC.remove("request_id");
            MDC.remove("trace_id");
            MDC.remove("consumer");
            MDC.remove("route");
            MDC.remove("campaign_id");
            MDC.remove("lead_id");
            MDC.remove("outcome");
            MDC.remove("status");
            MDC.remove("upstream_status");
            MDC.remove("duration_ms");
        }
    }

    /** Milliseconds with three decimals, without String.format. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
