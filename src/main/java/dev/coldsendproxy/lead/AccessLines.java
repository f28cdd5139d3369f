package dev.coldsendproxy.lead;

import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.jboss.logging.Logger;

import io.netty.util.internal.PlatformDependent;

/**
 * Access lines written off the event loop: a request hands one small record to a bounded,
 * lock-free queue (Netty's MPSC array queue, already on the classpath through Vert.x) and a
 * single daemon thread formats and logs it. When the sink falls behind and the queue is full,
 * lines are dropped rather than blocking a request, counted, and reported in at most one WARN a
 * minute; so are lines a handler failed to write ({@link SinkFailures}). {@link #close()} writes
 * every queued line before it returns (on shutdown).
 *
 * <p>Under traffic the writer looks at the queue every millisecond, so a request never pays a
 * wake-up. After {@value #IDLE_POLLS} looks in a row that find nothing (no traffic, or the access
 * category above INFO) it sleeps until the next line wakes it: before, an idle pod's writer woke a
 * thousand times a second, and with the lines off it kept taking a core from the event loops
 * ~900 times a second (bench/waits.py, docs/benchmarks.md).
 */
final class AccessLines implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AccessLines.class);
    private static final long IDLE_PARK = TimeUnit.MILLISECONDS.toNanos(1);
    /** Empty looks at the queue, {@link #IDLE_PARK} apart, before the writer sleeps until woken. */
    static final int IDLE_POLLS = 100;
    private static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);
    /** Lines written with one write and flush, at most: about 64 KB of JSON. */
    static final int BATCH = 64;

    private final java.util.logging.Logger access;
    private final Queue<Line> queue;
    private final int capacity;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Thread writer;
    private final int fastHandlers;
    private volatile boolean closing;
    /** Set while the writer sleeps until a line (or {@link #close()}) wakes it. */
    private volatile boolean asleep;
    private long droppedReported;
    private long failedReported;
    private long lastWarnAt = System.nanoTime() - WARN_EVERY;

    /** A writer for the logger named {@code category}; see {@link AccessLineFormatter#takeOver}. */
    AccessLines(String category, int capacity) {
        this.access = java.util.logging.Logger.getLogger(category);
        this.fastHandlers = AccessLineFormatter.takeOver(access);
        SinkFailures.watch(AccessLineFormatter.handlersOf(access));
        if (fastHandlers > 0) {
            LOG.infof("Access lines: written by the proxy's own JSON writer for %d log handler(s), identical to their"
                    + " JSON formatter's lines", fastHandlers);
        }
        this.capacity = capacity;
        this.queue = PlatformDependent.newFixedMpscQueue(capacity);
        this.writer = new Thread(this::drain, "access-lines");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * One request's access line, as handed over by the request: its fields in the documented order,
     * {@code route} the method and the route's template (one of a few constant texts).
     */
    record Line(String requestId, String traceId, String consumer, String route, String campaignId, String leadId,
            String outcome, int status, int upstreamStatus, long durationNanos) {
    }

    /**
     * Queues one line; never blocks. Returns false (and counts a drop) when the queue is full. A
     * line arriving once the writer has finished (a request answered during shutdown) is written
     * on the caller's thread: there is no event loop left to spare then.
     */
    boolean offer(Line line) {
        if (!writer.isAlive()) {
            write(line);
            return true;
        }
        if (queue.offer(line)) {
            // After the offer: the writer sets asleep before it looks at the queue a last time, so
            // either it sees this line or this sees it asleep.
            if (asleep) {
                LockSupport.unpark(writer);
            }
            return true;
        }
        dropped.increment();
        return false;
    }

    /** Lines dropped so far because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Lines so far that a log handler reported it could not write: lost, or written only in part. */
    long failed() {
        return failed.sum();
    }

    /** How many of the handlers that write access lines {@link AccessLineFormatter} formats for. */
    int fastHandlers() {
        return fastHandlers;
    }

    /** Whether the writer sleeps until the next line: no line came for {@value #IDLE_POLLS} ms or more. */
    boolean asleep() {
        return asleep;
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
        int emptyPolls = 0;
        while (true) {
            Line line = queue.poll();
            if (line != null) {
                emptyPolls = 0;
                write(batch(line));
                continue;
            }
            warnOfLostLines();
            if (closing && queue.isEmpty()) {
                return;
            }
            if (++emptyPolls < IDLE_POLLS) {
                LockSupport.parkNanos(IDLE_PARK);
            } else {
                sleepUntilWoken();
                emptyPolls = 0;
            }
        }
    }

    /** Sleeps until {@link #offer} or {@link #close()} unparks the writer (or a spurious wake-up). */
    private void sleepUntilWoken() {
        asleep = true;
        if (queue.isEmpty() && !closing) {
            LockSupport.park(this);
        }
        asleep = false;
    }

    private void warnOfLostLines() {
        long now = System.nanoTime();
        if (now - lastWarnAt < WARN_EVERY) {
            return;
        }
        long totalDropped = dropped.sum();
        long totalFailed = failed.sum();
        if (totalDropped > droppedReported) {
            LOG.warnf("%d access lines dropped since the last report: the log sink is slower than the traffic"
                    + " (queue of %d lines; proxy_access_lines_dropped_total counts them)", totalDropped - droppedReported,
                    capacity);
        }
        if (totalFailed > failedReported) {
            LOG.warnf("%d access lines not written since the last report: a log handler could not write them (for example a"
                    + " full disk; proxy_access_lines_failed_total counts them)", totalFailed - failedReported);
        }
        if (totalDropped > droppedReported || totalFailed > failedReported) {
            droppedReported = totalDropped;
            failedReported = totalFailed;
            lastWarnAt = now;
        }
    }

    /**
     * Writes the line as an {@link AccessRecord}, which carries its fields: the thread's MDC is not
     * touched, and a handler taken over by {@link AccessLineFormatter} formats it without the
     * JSON formatter's generator and MDC copies.
     */
    private void write(Line line) {
        write(AccessRecord.of(access.getName(), line));
    }

    private void write(AccessRecord record) {
        try {
            if (SinkFailures.failedWhile(() -> access.log(record))) {
                failed.add(lines(record));
            }
        } catch (RuntimeException e) {
            LOG.debugf("access line not written: %s", e.getMessage());
        }
    }

    /** How many lines {@code record} carries: itself and those that {@link AccessRecord#next() follow} it. */
    private static int lines(AccessRecord record) {
        int count = 0;
        for (AccessRecord current = record; current != null; current = current.next()) {
            count++;
        }
        return count;
    }

    /**
     * {@code first}'s record, followed by the lines queued behind it (up to {@value #BATCH} in all)
     * when every handler of access lines is taken over by {@link AccessLineFormatter}: it writes
     * them as one text, so a handler writes and flushes once for the batch, not once a line (a
     * system call each, a third of the writer's time). Each line keeps its own record: its time,
     * sequence number and fields.
     */
    private AccessRecord batch(Line first) {
        AccessRecord head = AccessRecord.of(access.getName(), first);
        if (fastHandlers == 0 || !AccessLineFormatter.formatsAll(access)) {
            return head;
        }
        AccessRecord tail = head;
        Line next;
        for (int taken = 1; taken < BATCH && (next = queue.poll()) != null; taken++) {
            tail = tail.follow(AccessRecord.of(access.getName(), next));
        }
        return head;
    }
}
