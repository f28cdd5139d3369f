package dev.coldsendproxy.lead;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtFormatter;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.WriterHandler;

/**
 * Writes access lines as the console's JSON formatter would, byte for byte, at a fraction of its
 * cost. The log manager's JSON formatter spent more CPU on an access line than the event loop spent
 * answering the hit (a JSON generator, a date formatter and two MDC copies per line; docs/benchmarks.md
 * "Allocation per hit, as shipped"). This formatter takes the place of a handler's own only after formatting probe
 * lines both ways and finding them identical ({@link #takeOver}): any option that changes the JSON
 * (a key renamed or excluded, an added field, pretty printing, another date format or zone, ECS)
 * leaves that handler's formatter as it was. Every record that is not an {@link AccessRecord} goes
 * to the original formatter unchanged, and the handler keeps its own lock, filter and stream.
 */
final class AccessLineFormatter extends ExtFormatter {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AccessLineFormatter.class);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    /** Room for a batch of lines with 128-character request ids, so the builder rarely grows. */
    private static final int LINE_CAPACITY = AccessLines.BATCH * 1_200;
    /** A builder grown beyond this (odd values) is not kept. */
    private static final int MAX_KEPT_CAPACITY = 4 * LINE_CAPACITY;
    /** {@code yyyy-MM-ddTHH:mm:ss}: what comes before the fraction of a second. */
    private static final int SECONDS_END = 19;

    /** The message's {@code key=} parts, escaped once (the route's quotes). */
    private static final String[] ESCAPED_PREFIXES = new String[AccessRecord.FIELDS.length];

    /** Slots of {@link #plain}: the ten fields by their index, then the texts every record carries. */
    private static final int LOGGER_CLASS = AccessRecord.FIELDS.length;
    private static final int LOGGER = LOGGER_CLASS + 1;
    private static final int LEVEL = LOGGER + 1;
    private static final int THREAD = LEVEL + 1;
    private static final int NDC = THREAD + 1;
    private static final int HOST = NDC + 1;
    private static final int PROCESS = HOST + 1;
    private static final int SLOTS = PROCESS + 1;

    static {
        for (int i = 0; i < ESCAPED_PREFIXES.length; i++) {
            ESCAPED_PREFIXES[i] = AccessRecord.messagePrefix(i).replace("\"", "\\\"");
        }
    }

    private final Formatter original;
    private final DateTimeFormatter timestamps;
    /** The access fields in the order the original formatter writes its {@code mdc} object. */
    private final int[] mdcOrder;
    /** {@code "key":} of each of those fields, a comma before all but the first. */
    private final String[] mdcKeys;
    /**
     * Per slot, the last value found to need no escape and to be Latin-1: when the same instance
     * comes again (the route, the outcome, the logger's and thread's names, a status), it is copied
     * without looking at its characters again. A line's fields each appear twice (message and
     * {@code mdc}), so each is looked at once. Looking at every character was a third of the
     * writer's CPU (perf, docs/benchmarks.md).
     */
    private final String[] plain = new String[SLOTS];
    /** The text of the lines being written, reused from one batch to the next. */
    private StringBuilder text = new StringBuilder(LINE_CAPACITY);
    /** Whether the text being written has a character beyond Latin-1. */
    private boolean wide;
    private long second = Long.MIN_VALUE;
    private String secondText;
    private String offsetText;

    private AccessLineFormatter(Formatter original, ZoneId zone, int[] mdcOrder) {
        this.original = original;
        this.timestamps = ISO.withZone(zone);
        this.mdcOrder = mdcOrder;
        this.mdcKeys = new String[mdcOrder.length];
        for (int i = 0; i < mdcOrder.length; i++) {
            mdcKeys[i] = (i == 0 ? "\"" : ",\"") + AccessRecord.FIELDS[mdcOrder[i]] + "\":";
        }
    }

    /**
     * Puts this formatter in front of the formatter of every handler an INFO record of
     * {@code logger} reaches, where probe lines come out identical both ways. Returns how many
     * handlers it took over; a handler taken over before is counted and left as it is.
     */
    static int takeOver(Logger logger) {
        int taken = 0;
        for (Handler handler : handlersOf(logger)) {
            Formatter current = handler.getFormatter();
            if (current instanceof AccessLineFormatter) {
                taken++;
            } else if (current != null) {
                AccessLineFormatter fast = matching(current);
                if (fast != null) {
                    handler.setFormatter(fast);
                    taken++;
                } else {
                    LOG.debugf("access lines keep %s's formatter: it does not write the default JSON",
                            handler.getClass().getName());
                }
            }
        }
        return taken;
    }

    /** The handlers that write {@code logger}'s records, nested handlers (async, delayed) unwrapped. */
    static List<Handler> handlersOf(Logger logger) {
        List<Handler> leaves = new ArrayList<>();
        for (Logger current = logger; current != null; current = current.getUseParentHandlers() ? current.getParent() : null) {
            for (Handler handler : current.getHandlers()) {
                addLeaves(handler, leaves);
            }
        }
        return leaves;
    }

    private static void addLeaves(Handler handler, List<Handler> leaves) {
        Handler[] nested = handler instanceof ExtHandler ext ? ext.getHandlers() : new Handler[0];
        if (nested.length == 0) {
            leaves.add(handler);
        }
        for (Handler inner : nested) {
            addLeaves(inner, leaves);
        }
    }

    /** This formatter for {@code original}, or null if the two differ on any probe line. */
    static AccessLineFormatter matching(Formatter original) {
        List<AccessRecord> probes = probes();
        AccessRecord first = probes.get(0);
        int[] order = mdcOrder(first);
        if (order == null) {
            return null;
        }
        AccessLineFormatter fast = new AccessLineFormatter(original, ZoneId.systemDefault(), order);
        try {
            for (AccessRecord probe : probes) {
                if (!original.format(probe).equals(fast.format(probe))) {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return fast;
    }

    /**
     * Lines that exercise what varies: characters JSON escapes, a long request id, whole seconds,
     * a single nanosecond, trailing zeros in the fraction, and now.
     */
    private static List<AccessRecord> probes() {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        String campaign = "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01";
        String lead = "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
        List<AccessRecord> probes = new ArrayList<>();
        probes.add(AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY,
                new AccessLines.Line("probe-1", trace, "billing", LeadPath.TEMPLATE, campaign, lead, "hit", 200,
                        RequestTrace.NO_UPSTREAM_STATUS, 1)));
        probes.add(AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY,
                new AccessLines.Line("r".repeat(128), "-", "n\u00e4me \"x\"",
                        "GET \"quoted\" \\ \t\n\r\b\f\u0001\u001f é \ud83d\ude00 /", "-", "-", "rejected", 404, 599,
                        123_456_789_012L)));
        long[][] instants = { { 1_764_000_000L, 0 }, { 1_764_000_001L, 1 }, { 1_764_000_002L, 120_000_000 },
                { 1_751_328_000L, 999_999_999 }, { 1_000L, 500_000 } };
        for (long[] instant : instants) {
            AccessRecord probe = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY,
                    new AccessLines.Line("probe-t", trace, "anonymous", LeadPath.TEMPLATE, campaign, lead, "miss", 200, 200,
                            7_000));
            probe.setInstant(Instant.ofEpochSecond(instant[0], instant[1]));
            probes.add(probe);
        }
        return probes;
    }

    /** The order in which a formatter that reads the record's MDC meets the access fields. */
    private static int[] mdcOrder(AccessRecord probe) {
        List<String> keys = new ArrayList<>(probe.getMdcCopy().keySet());
        if (keys.size() != AccessRecord.FIELDS.length) {
            return null;
        }
        int[] order = new int[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = List.of(AccessRecord.FIELDS).indexOf(keys.get(i));
            if (order[i] < 0) {
                return null;
            }
        }
        return order;
    }

    @Override
    public String format(ExtLogRecord record) {
        return record instanceof AccessRecord access && !access.changed() ? formatAccess(access) : original.format(record);
    }

    /** Each line's JSON, {@code record} and those that {@link AccessRecord#next() follow} it. */
    private synchronized String formatAccess(AccessRecord record) {
        StringBuilder out = text;
        out.setLength(0);
        for (AccessRecord current = record; current != null; current = current.next()) {
            appendLine(out, current);
        }
        String formatted = out.toString();
        if (wide || out.capacity() > MAX_KEPT_CAPACITY) {
            // A character beyond Latin-1 turned the builder's bytes into UTF-16 for good, or a long line grew it: start afresh.
            text = new StringBuilder(LINE_CAPACITY);
            wide = false;
        }
        return formatted;
    }

    /**
     * Whether lines may go to {@code logger} in batches: every handler its records reach writes text
     * to a stream ({@link WriterHandler}: console, file) with this class as formatter, and no logger
     * or handler on the way has a filter other than Quarkus's cleanup filter. A handler that makes
     * one message per record (syslog, a socket) would cut a batch; a filter would judge or change
     * only its first line.
     */
    static boolean formatsAll(Logger logger) {
        boolean any = false;
        for (Logger current = logger; current != null; current = current.getUseParentHandlers() ? current.getParent() : null) {
            if (!unfiltered(current.getFilter())) {
                return false;
            }
            for (Handler handler : current.getHandlers()) {
                if (!batchable(handler)) {
                    return false;
                }
                any = true;
            }
        }
        return any;
    }

    private static boolean batchable(Handler handler) {
        if (!unfiltered(handler.getFilter())) {
            return false;
        }
        Handler[] nested = handler instanceof ExtHandler ext ? ext.getHandlers() : new Handler[0];
        if (nested.length == 0) {
            return handler instanceof WriterHandler && handler.getFormatter() instanceof AccessLineFormatter;
        }
        for (Handler inner : nested) {
            if (!batchable(inner)) {
                return false;
            }
        }
        return true;
    }

    private static boolean unfiltered(Filter filter) {
        return filter == null || filter.getClass().getName().equals("io.quarkus.runtime.logging.LogCleanupFilter");
    }

    /** The JSON object of StructuredFormatter's default keys, in its order, and a newline. */
    private void appendLine(StringBuilder out, AccessRecord record) {
        out.append("{\"timestamp\":\"");
        appendTimestamp(out, record.getInstant());
        out.append("\",\"sequence\":").append(record.getSequenceNumber());
        out.append(",\"loggerClassName\":");
        appendString(out, LOGGER_CLASS, record.getLoggerClassName());
        out.append(",\"loggerName\":");
        appendString(out, LOGGER, record.getLoggerName());
        out.append(",\"level\":");
        appendString(out, LEVEL, record.getLevel().getName());
        out.append(",\"message\":\"");
        for (int i = 0; i < AccessRecord.FIELDS.length; i++) {
            out.append(ESCAPED_PREFIXES[i]);
            appendValue(out, i, record.field(i));
        }
        out.append('"');
        out.append(",\"threadName\":");
        appendString(out, THREAD, record.getThreadName());
        out.append(",\"threadId\":").append(record.getThreadID());
        out.append(",\"mdc\":{");
        for (int i = 0; i < mdcOrder.length; i++) {
            int field = mdcOrder[i];
            out.append(mdcKeys[i]);
            appendString(out, field, record.field(field));
        }
        out.append("},\"ndc\":");
        appendString(out, NDC, record.getNdc());
        String host = record.getHostName();
        if (host != null && !host.isEmpty()) {
            out.append(",\"hostName\":");
            appendString(out, HOST, host);
        }
        String process = record.getProcessName();
        if (process != null && !process.isEmpty()) {
            out.append(",\"processName\":");
            appendString(out, PROCESS, process);
        }
        if (record.getProcessId() >= 0) {
            out.append(",\"processId\":").append(record.getProcessId());
        }
        out.append("}\n");
    }

    /** ISO-8601 with the zone's offset; the text up to the second is made once a second. */
    private void appendTimestamp(StringBuilder out, Instant instant) {
        long epochSecond = instant.getEpochSecond();
        if (epochSecond != second) {
            String whole = timestamps.format(Instant.ofEpochSecond(epochSecond));
            secondText = whole.substring(0, SECONDS_END);
            offsetText = whole.substring(SECONDS_END);
            second = epochSecond;
        }
        out.append(secondText);
        int nanos = instant.getNano();
        if (nanos != 0) {
            int digits = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                digits--;
            }
            out.append('.');
            String fraction = Integer.toString(nanos);
            for (int pad = digits - fraction.length(); pad > 0; pad--) {
                out.append('0');
            }
            out.append(fraction);
        }
        out.append(offsetText);
    }

    /** A JSON string as Parsson (the JSON formatter's generator) writes it, null as {@code null}. */
    private void appendString(StringBuilder out, int slot, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        appendValue(out, slot, value);
        out.append('"');
    }

    /** {@code value} escaped, or as it is when it is {@link #plain}'s instance for {@code slot} or proves plain. */
    private void appendValue(StringBuilder out, int slot, String value) {
        if (value != plain[slot]) { // the same instance, on purpose: an equal one is looked at again
            if (!plainLatin1(value)) {
                appendEscaped(out, value);
                return;
            }
            plain[slot] = value;
        }
        out.append(value);
    }

    /** Whether {@code value} has nothing JSON escapes and nothing beyond Latin-1. */
    private static boolean plainLatin1(String value) {
        for (int i = 0, length = value.length(); i < length; i++) {
            char c = value.charAt(i);
            if (escaped(c) || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** Whether Parsson escapes {@code c}: quote, backslash and control characters. */
    private static boolean escaped(char c) {
        return c < 0x20 || c == '"' || c == '\\';
    }

    /**
     * {@code value} with Parsson's escapes: quote, backslash and control characters; nothing else.
     * Runs between escapes are copied as arrays, not char by char.
     */
    private void appendEscaped(StringBuilder out, String value) {
        int start = 0;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!escaped(c)) {
                wide |= c > 0xff;
                continue;
            }
            out.append(value, start, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\f' -> out.append('f');
                case '\n' -> out.append('n');
                case '\r' -> out.append('r');
                case '\t' -> out.append('t');
                default -> out.append("u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
            start = i + 1;
        }
        out.append(value, start, length);
    }

    @Override
    public String formatMessage(LogRecord record) {
        return original.formatMessage(record);
    }

    @Override
    public String getHead(Handler handler) {
        return original.getHead(handler);
    }

    @Override
    public String getTail(Handler handler) {
        return original.getTail(handler);
    }

    @Override
    public boolean isCallerCalculationRequired() {
        return !(original instanceof ExtFormatter ext) || ext.isCallerCalculationRequired();
    }
}
