package dev.coldsendproxy.lead;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;

/**
 * One access line as a log record that carries its own fields. The writer thread no longer puts
 * ten values into its MDC for each line (and the log manager no longer copies them twice): a
 * formatter that asks for the MDC gets the fields from here, and {@link AccessLineFormatter}
 * writes them straight from {@link #field(int)} without asking.
 */
final class AccessRecord extends ExtLogRecord {

    /** What org.jboss.logging's Logger names as the caller, so the JSON field stays what it was. */
    static final String LOGGER_CLASS_NAME = "org.jboss.logging.Logger";

    /** The MDC keys of an access line, in the order of the documented fields. */
    static final String[] FIELDS = { "request_id", "trace_id", "consumer", "route", "campaign_id", "lead_id", "outcome",
            "status", "upstream_status", "duration_ms" };
    /** The index of the route, the field the message quotes. */
    private static final int ROUTE = 3;
    private static final String[] MESSAGE_PREFIXES = new String[FIELDS.length];
    private static final String[] STATUS_TEXT = new String[600];

    static {
        for (int i = 0; i < FIELDS.length; i++) {
            MESSAGE_PREFIXES[i] = (i == 0 ? "" : i == ROUTE + 1 ? "\" " : " ") + FIELDS[i] + (i == ROUTE ? "=\"" : "=");
        }
        for (int i = 0; i < STATUS_TEXT.length; i++) {
            STATUS_TEXT[i] = Integer.toString(i);
        }
    }

    private final String[] values;
    private String message;
    private boolean mdcSet;
    /** A filter changed the message or the MDC: only the original formatter writes what it changed. */
    private boolean changed;
    private AccessRecord next;

    private AccessRecord(String loggerName, String[] values) {
        super(Level.INFO, null, FormatStyle.NO_FORMAT, LOGGER_CLASS_NAME);
        setLoggerName(loggerName);
        // The caller is known: no stack walk for a handler that prints it (%C, %M, print-details, async).
        setSourceClassName(AccessLines.class.getName());
        setSourceMethodName("write");
        this.values = values;
    }

    /** The record of {@code line}, made on the thread that writes it (its time, thread and sequence). */
    static AccessRecord of(String loggerName, AccessLines.Line line) {
        String[] values = { line.requestId(), line.traceId(), line.consumer(), line.route(), line.campaignId(), line.leadId(),
                line.outcome(), statusText(line.status()),
                line.upstreamStatus() == RequestTrace.NO_UPSTREAM_STATUS ? "-" : statusText(line.upstreamStatus()),
                millis(line.durationNanos()) };
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                values[i] = "-"; // as the documented fields say for a value that is not there
            }
        }
        return new AccessRecord(loggerName, values);
    }

    /**
     * Makes {@code line} the one written right after this one, in the same write; returns it. Only
     * for handlers whose formatter is {@link AccessLineFormatter}: any other writes this one alone.
     */
    AccessRecord follow(AccessRecord line) {
        next = line;
        return line;
    }

    /** The line written right after this one, in the same write, or null. */
    AccessRecord next() {
        return next;
    }

    /** The value of {@code FIELDS[index]}. */
    String field(int index) {
        return values[index];
    }

    /**
     * The fields as {@code key=value} pairs, the route quoted: readable in plain dev and test logs,
     * and the JSON's {@code message}. Made when first asked for: {@link AccessLineFormatter} writes
     * the same text from the fields without it.
     */
    @Override
    public String getMessage() {
        if (message == null) {
            StringBuilder text = new StringBuilder(400);
            for (int i = 0; i < FIELDS.length; i++) {
                text.append(messagePrefix(i)).append(values[i]);
            }
            message = text.toString();
        }
        return message;
    }

    /** What the message has before field {@code index}'s value: a space, the key, {@code =}, and a quote for the route. */
    static String messagePrefix(int index) {
        return MESSAGE_PREFIXES[index];
    }

    /** A filter's new message (the one-argument form comes here too). */
    @Override
    public void setMessage(String message, FormatStyle formatStyle) {
        super.setMessage(message, formatStyle);
        this.message = message;
        changed = true;
    }

    @Override
    public String putMdc(String key, String value) {
        changed = true;
        return super.putMdc(key, value);
    }

    @Override
    public String removeMdc(String key) {
        changed = true;
        return super.removeMdc(key);
    }

    @Override
    public void setMdc(Map<?, ?> sourceMap) {
        super.setMdc(sourceMap);
        changed |= mdcSet; // the first call is this record's own, from copyMdc
    }

    /** Whether a filter changed this record's message or MDC after it was made. */
    boolean changed() {
        return changed;
    }

    /** The fields become this record's MDC the first time a formatter asks for it, never the thread's. */
    @Override
    public void copyMdc() {
        if (!mdcSet) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < FIELDS.length; i++) {
                fields.put(FIELDS[i], values[i]);
            }
            setMdc(fields);
            mdcSet = true;
        }
    }

    @Override
    public String getMdc(String key) {
        copyMdc();
        return super.getMdc(key);
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
