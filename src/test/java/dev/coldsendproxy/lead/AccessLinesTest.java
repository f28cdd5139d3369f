package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.WriterHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


/**
 * The access lines' writer off the event loop, against a sink the test holds: a slow sink fills
 * the bounded queue and further lines are dropped and counted without blocking the caller; lines
 * still queued when it closes are written before close returns; an idle writer sleeps until a line
 * or the close wakes it; lines a handler fails to write are counted.
 */
class AccessLinesTest {

    private static final String CATEGORY = "dev.coldsendproxy.access.test";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final Sink sink = new Sink();
    private final java.util.logging.Logger jul = java.util.logging.Logger.getLogger(CATEGORY);

    @AfterEach
    void detach() {
        sink.release.countDown();
        jul.removeHandler(sink);
    }

    @Test
    void dropsAndCountsLinesWhenTheSinkFallsBehindWithoutBlockingTheCaller() throws InterruptedException {
        AccessLines lines = open(4);
        lines.offer(line("first"));
        assertThat(sink.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the writer is stuck in the sink").isTrue();

        long started = System.nanoTime();
        int taken = 0;
        for (int i = 0; i < 20; i++) {
            taken += lines.offer(line("queued-" + i)) ? 1 : 0;
        }
        long took = System.nanoTime() - started;

        assertThat(taken).as("the queue's bound").isEqualTo(4);
        assertThat(lines.dropped()).isEqualTo(16);
        assertThat(took).as("nothing waited for the sink (the sink holds for %s)", PATIENCE)
                .isLessThan(PATIENCE.toNanos() / 2);
        sink.release.countDown();
        await().atMost(PATIENCE).until(() -> sink.messages.size() == 5);
        lines.close();
    }

    @Test
    void sleepsWhileNoLineComesAndIsWokenByTheNextAndByClose() {
        sink.release.countDown();
        AccessLines lines = open(64);
        await().atMost(PATIENCE).until(lines::asleep);

        lines.offer(line("after-sleep"));
        // Asleep, the writer no longer looks at the queue: only the offer's wake-up gets this line written.
        await().atMost(PATIENCE).until(() -> sink.messages.size() == 1);
        assertThat(sink.threads).containsExactly("access-lines");
        await().atMost(PATIENCE).until(lines::asleep);

        lines.close();
        assertThat(lines.offer(line("after-close"))).isTrue();
        assertThat(sink.threads).as("close woke the writer and it stopped: this line is written on the caller's thread")
                .containsExactly("access-lines", Thread.currentThread().getName());
    }

    @Test
    void writesEveryQueuedLineBeforeCloseReturns() throws InterruptedException {
        AccessLines lines = open(64);
        lines.offer(line("first"));
        assertThat(sink.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 30; i++) {
            lines.offer(line("queued-" + i));
        }

        sink.release.countDown();
        lines.close();

        assertThat(sink.messages).hasSize(31);
        assertThat(sink.messages.get(30)).contains("request_id=queued-29");
        assertThat(lines.offer(line("after-close"))).as("written inline once the writer is gone").isTrue();
        assertThat(sink.messages).hasSize(32);
    }

    @Test
    void writesTheLinesQueuedBehindOneInASingleWriteWhenItsHandlerIsTakenOver() throws Exception {
        java.util.logging.Logger logger = isolated("batched");
        HeldWriter out = new HeldWriter();
        WriterHandler json = new WriterHandler();
        json.setFormatter(AccessLineFormatterTest.shippedJson());
        json.setAutoFlush(true); // before the writer: turning auto-flush on flushes, and only the writer thread's flushes count
        json.setWriter(out);
        logger.addHandler(json);
        try {
            AccessLines lines = new AccessLines(logger.getName(), 256);
            assertThat(lines.fastHandlers()).isEqualTo(1);
            lines.offer(line("first"));
            assertThat(out.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the writer is stuck in the sink").isTrue();
            assertThat(out.firstFlusher).as("the first flush is the writer's, after the first line").hasValue("access-lines");
            int queued = AccessLines.BATCH + 6;
            for (int i = 0; i < queued; i++) {
                lines.offer(line("queued-" + i));
            }
            out.release.countDown();
            lines.close();

            List<JsonNode> written = new ArrayList<>();
            for (String text : out.toString().split("\n")) {
                written.add(new ObjectMapper().readTree(text));
            }
            assertThat(written).hasSize(1 + queued);
            assertThat(out.flushes).as("one flush for the first line, then one per batch of %d", AccessLines.BATCH).hasValue(3);
            for (int i = 0; i < queued; i++) {
                JsonNode line = written.get(1 + i);
                assertThat(line.get("mdc").get("request_id").asText()).isEqualTo("queued-" + i);
                assertThat(line.get("sequence").asLong()).isGreaterThan(written.get(i).get("sequence").asLong());
            }
        } finally {
            logger.removeHandler(json);
        }
    }

    @Test
    void writesLineByLineWhenAHandlerMakesOneMessagePerRecord() throws Exception {
        java.util.logging.Logger logger = isolated("per-record");
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler perRecord = new Handler() { // like syslog: one message per record, whatever its formatter writes
            @Override
            public void publish(LogRecord record) {
                messages.add(getFormatter().format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        perRecord.setFormatter(AccessLineFormatterTest.shippedJson());
        logger.addHandler(perRecord);
        try {
            AccessLines lines = new AccessLines(logger.getName(), 256);
            assertThat(lines.fastHandlers()).as("its JSON is the default JSON").isEqualTo(1);
            for (int i = 0; i < 100; i++) {
                lines.offer(line("line-" + i));
            }
            lines.close();

            assertThat(messages).hasSize(100).allSatisfy(message -> assertThat(message.split("\n")).hasSize(1));
        } finally {
            logger.removeHandler(perRecord);
        }
    }

    @Test
    void countsTheLinesAHandlerFailsToWriteAndStillReportsTheFailureToItsErrorManager() {
        java.util.logging.Logger logger = isolated("failing");
        FullDisk disk = new FullDisk();
        List<Integer> reported = new CopyOnWriteArrayList<>();
        WriterHandler json = new WriterHandler();
        json.setFormatter(AccessLineFormatterTest.shippedJson());
        json.setWriter(disk);
        json.setErrorManager(new ErrorManager() {
            @Override
            public void error(String message, Exception cause, int code) {
                reported.add(code);
            }
        });
        logger.addHandler(json);
        try {
            AccessLines lines = new AccessLines(logger.getName(), 256);
            for (int i = 0; i < 100; i++) {
                lines.offer(line("lost-" + i));
            }
            await().atMost(PATIENCE).until(() -> lines.failed() >= 100);
            assertThat(reported).as("the handler's own error manager still hears of each failure")
                    .isNotEmpty().containsOnly(ErrorManager.WRITE_FAILURE);

            disk.full = false;
            lines.offer(line("written"));
            lines.close();

            assertThat(lines.failed()).as("every line the full disk refused, once, and none after").isEqualTo(100);
            assertThat(lines.dropped()).isZero();
            // The handler's own buffer may still hold part of a refused batch and write it now: "written only in part".
            assertThat(disk.text()).contains("\"request_id\":\"written\"");
        } finally {
            logger.removeHandler(json);
        }
    }

    /** A logger of its own below the test category, INFO, writing only to the handlers the test adds. */
    private static java.util.logging.Logger isolated(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(CATEGORY + "." + name);
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.INFO);
        return logger;
    }

    private AccessLines open(int capacity) {
        jul.addHandler(sink);
        jul.setLevel(Level.ALL);
        return new AccessLines(CATEGORY, capacity);
    }

    private static AccessLines.Line line(String id) {
        return new AccessLines.Line(id, "0af7651916cd43dd8448eb211c80319c", "billing", "GET /test", "c", "l", "hit", 200,
                RequestTrace.NO_UPSTREAM_STATUS, 1_000_000);
    }

    /** A log handler's writer that refuses every write while {@link #full}, as a full disk does. */
    private static final class FullDisk extends Writer {
        volatile boolean full = true;
        private final StringBuilder written = new StringBuilder();

        @Override
        public synchronized void write(char[] chars, int offset, int length) throws IOException {
            if (full) {
                throw new IOException("No space left on device");
            }
            written.append(chars, offset, length);
        }

        synchronized String text() {
            return written.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** A log handler's writer that holds the first flush until released, and counts flushes. */
    private static final class HeldWriter extends StringWriter {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicReference<String> firstFlusher = new AtomicReference<>();

        @Override
        public void flush() {
            flushes.incrementAndGet();
            firstFlusher.compareAndSet(null, Thread.currentThread().getName());
            entered.countDown();
            try {
                release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Holds the writer in its first line until released, then records every message. */
    private static final class Sink extends Handler {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            threads.add(Thread.currentThread().getName());
            entered.countDown();
            try {
                release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            messages.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
