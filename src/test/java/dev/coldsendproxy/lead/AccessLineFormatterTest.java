package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter.ExceptionOutputType;
import org.jboss.logmanager.handlers.AsyncHandler;
import org.jboss.logmanager.handlers.WriterHandler;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.logging.json.runtime.AdditionalField;
import io.quarkus.logging.json.runtime.JsonFormatter;
import io.quarkus.logging.json.runtime.JsonLogConfig.AdditionalFieldConfig.Type;

/**
 * The access lines' own JSON writer against Quarkus's JSON formatter, configured as the shipped
 * proxy configures it: the same bytes for every line, and no take-over wherever an option changes
 * the JSON.
 */
class AccessLineFormatterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesTheSameBytesAsTheDefaultJsonFormatterForEveryLine() throws Exception {
        JsonFormatter quarkus = shippedJson();
        AccessLineFormatter fast = AccessLineFormatter.matching(quarkus);
        assertThat(fast).as("the default JSON is matched").isNotNull();

        Random random = new Random(13);
        for (int i = 0; i < 2_000; i++) {
            AccessRecord record = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY, randomLine(random));
            record.setInstant(Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(4) == 0 ? 0
                    : random.nextInt(1_000_000_000)));
            String expected = quarkus.format(record);
            assertThat(fast.format(record)).isEqualTo(expected);
        }

        AccessRecord now = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY, new AccessLines.Line("req-1",
                "-", "billing", LeadPath.TEMPLATE, "c", "l", "hit", 304, RequestTrace.NO_UPSTREAM_STATUS, 1_234_567));
        JsonNode line = JSON.readTree(fast.format(now));
        assertThat(line.get("message").asText()).isEqualTo("request_id=req-1 trace_id=- consumer=billing route=\""
                + LeadPath.TEMPLATE + "\" campaign_id=c lead_id=l outcome=hit status=304 upstream_status=- duration_ms=1.234");
        assertThat(line.get("mdc").get("upstream_status").asText()).isEqualTo("-");
        assertThat(line.get("mdc").get("duration_ms").asText()).isEqualTo("1.234");
    }

    @Test
    void writesAValueThatComesAgainAsItWroteItFirst() {
        JsonFormatter quarkus = shippedJson();
        AccessLineFormatter fast = AccessLineFormatter.matching(quarkus);
        String quotedRoute = "GET \"quoted\" \\ \u2028 é /";
        String plainConsumer = "billing";
        String wideOutcome = "hit \u2028";
        for (int i = 0; i < 3; i++) {
            for (String route : List.of(quotedRoute, LeadPath.TEMPLATE)) {
                AccessRecord record = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY, new AccessLines.Line("req-" + i, "-",
                        plainConsumer, route, "c\"" + i, "l", i == 1 ? wideOutcome : "hit", 200,
                        RequestTrace.NO_UPSTREAM_STATUS, i));
                assertThat(fast.format(record)).as("line %d, route %s", i, route).isEqualTo(quarkus.format(record));
            }
        }
    }

    @Test
    void passesEveryOtherRecordToTheHandlersOwnFormatter() {
        JsonFormatter quarkus = shippedJson();
        AccessLineFormatter fast = AccessLineFormatter.matching(quarkus);
        ExtLogRecord other = new ExtLogRecord(org.jboss.logmanager.Level.WARN, "not an access line", "test");
        other.setLoggerName("dev.coldsendproxy.other");
        other.setThrown(new IllegalStateException("boom"));

        assertThat(fast.format(other)).isEqualTo(quarkus.format(other)).contains("boom");
    }

    @Test
    void writesWhatAFilterChangedThroughTheOriginalFormatter() {
        JsonFormatter quarkus = shippedJson();
        AccessLineFormatter fast = AccessLineFormatter.matching(quarkus);
        AccessRecord record = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY,
                new AccessLines.Line("secret-request", "-", "billing", LeadPath.TEMPLATE, "c", "l", "hit", 200,
                        RequestTrace.NO_UPSTREAM_STATUS, 1));
        record.setMessage("redacted");
        record.putMdc("request_id", "redacted");

        assertThat(fast.format(record)).isEqualTo(quarkus.format(record)).doesNotContain("secret-request");
    }

    @Test
    void namesAccessLinesAsItsCallerWithoutWalkingTheStack() {
        AccessRecord record = AccessRecord.of(LeadTelemetry.ACCESS_CATEGORY,
                new AccessLines.Line(null, "-", "billing", LeadPath.TEMPLATE, "c", "l", "hit", 200,
                        RequestTrace.NO_UPSTREAM_STATUS, 1));

        assertThat(record.getSourceClassName()).isEqualTo(AccessLines.class.getName());
        assertThat(record.getSourceMethodName()).isEqualTo("write");
        assertThat(record.getMessage()).as("a missing value is written as -").startsWith("request_id=- ");
    }

    @Test
    void leavesAFormatterAloneWhenAnyOptionChangesTheJson() {
        List<Consumer<JsonFormatter>> options = List.of(
                json -> json.setPrettyPrint(true),
                json -> json.setExcludedKeys(Set.of("ndc")),
                json -> json.setAdditionalFields(Map.of("service", new AdditionalField("proxy", Type.STRING))),
                json -> json.setDateFormat("yyyy-MM-dd HH:mm:ss"),
                json -> json.setZoneId(otherZone()),
                json -> json.setRecordDelimiter("\r\n"),
                json -> json.setPrintDetails(true),
                json -> json.setMetaData("team=leads"));
        for (int i = 0; i < options.size(); i++) {
            JsonFormatter changed = shippedJson();
            options.get(i).accept(changed);
            assertThat(AccessLineFormatter.matching(changed)).as("option %d", i).isNull();
        }
        assertThat(AccessLineFormatter.matching(new JsonFormatter("timestamp=@timestamp"))).isNull();
        assertThat(AccessLineFormatter.matching(new PatternFormatter("%d %-5p [%c] %s %X{request_id}%n"))).isNull();
    }

    @Test
    void takesOverOnlyTheJsonHandlersTheAccessLoggerReaches() {
        Logger logger = Logger.getLogger(LeadTelemetry.ACCESS_CATEGORY + ".takeover-test");
        logger.setUseParentHandlers(false);
        StringWriter jsonOut = new StringWriter();
        StringWriter textOut = new StringWriter();
        WriterHandler json = writerHandler(shippedJson(), jsonOut);
        WriterHandler text = writerHandler(new PatternFormatter("%s|%X{request_id}|%X{outcome}%n"), textOut);
        AsyncHandler async = new AsyncHandler();
        async.addHandler(text);
        logger.addHandler(json);
        logger.addHandler(async);
        logger.setLevel(Level.INFO);
        try {
            assertThat(AccessLineFormatter.takeOver(logger)).isEqualTo(1);
            assertThat(json.getFormatter()).isInstanceOf(AccessLineFormatter.class);
            assertThat(text.getFormatter()).isInstanceOf(PatternFormatter.class);
            assertThat(AccessLineFormatter.takeOver(logger)).as("a second take-over changes nothing").isEqualTo(1);

            AccessRecord record = AccessRecord.of(logger.getName(),
                    new AccessLines.Line("req-7", "-", "billing", "GET /t", "c", "l", "stale", 200, 503, 2_000_000));
            logger.log(record);

            assertThat(jsonOut.toString()).isEqualTo(shippedJson().format(record));
            await().atMost(Duration.ofSeconds(20)).until(() -> !textOut.toString().isEmpty());
            assertThat(textOut.toString()).as("a formatter that reads the MDC finds the fields on the record")
                    .isEqualTo(record.getMessage() + "|req-7|stale\n");
        } finally {
            async.close();
            for (Handler handler : logger.getHandlers()) {
                logger.removeHandler(handler);
            }
        }
    }

    /** A zone whose offset differs from the system's on the probe lines' dates. */
    private static String otherZone() {
        boolean kolkata = ZoneId.systemDefault().getRules().getOffset(Instant.ofEpochSecond(1_764_000_000L)).getTotalSeconds() == 19_800;
        return kolkata ? "UTC" : "Asia/Kolkata";
    }

    /** Quarkus's console JSON formatter as LoggingJsonRecorder builds it with no option set. */
    static JsonFormatter shippedJson() {
        JsonFormatter json = new JsonFormatter();
        json.setPrettyPrint(false);
        json.setExceptionOutputType(ExceptionOutputType.DETAILED);
        json.setPrintDetails(false);
        return json;
    }

    private static WriterHandler writerHandler(Formatter formatter, StringWriter out) {
        WriterHandler handler = new WriterHandler();
        handler.setFormatter(formatter);
        handler.setWriter(out);
        handler.setAutoFlush(true);
        return handler;
    }

    private static AccessLines.Line randomLine(Random random) {
        return new AccessLines.Line(text(random, 1 + random.nextInt(128)), random.nextBoolean() ? "-" : text(random, 32),
                text(random, 1 + random.nextInt(20)), LeadPath.TEMPLATE, text(random, 36), text(random, 36),
                List.of("hit", "miss", "stale", "coalesced", "rejected").get(random.nextInt(5)), 100 + random.nextInt(500),
                random.nextBoolean() ? RequestTrace.NO_UPSTREAM_STATUS : 100 + random.nextInt(500),
                random.nextLong() & Long.MAX_VALUE >>> 20);
    }

    /** Mostly printable ASCII, with what JSON must escape and some non-ASCII. */
    private static String text(Random random, int length) {
        String specials = "\"\\\t\n\r\b\f\u0000\u0001\u001f\u007f/é\u2028";
        List<Character> chars = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            chars.add(random.nextInt(8) == 0 ? specials.charAt(random.nextInt(specials.length()))
                    : (char) (0x20 + random.nextInt(0x5f)));
        }
        StringBuilder out = new StringBuilder();
        chars.forEach(out::append);
        return out.toString();
    }
}
