package dev.coldsendproxy.lead;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Counts lead requests by outcome and consumer, times Coldsend's answers by status class, and
 * writes one access line per lead request. Meters are resolved once (per consumer, at start-up
 * for the configured ones) so that a cache hit pays one map lookup and an increment, never a
 * registry lookup or a tag list.
 */
@ApplicationScoped
public class LeadTelemetry {

    /** Logger category of the access lines; set it to WARN to silence them. */
    public static final String ACCESS_CATEGORY = "dev.coldsendproxy.access";
    /** Consumer tag of requests rejected before the caller was identified. */
    static final String UNIDENTIFIED = "unidentified";
    static final String ROUTE = "GET /api/public/v1/campaigns/{campaign_id}/leads/{lead_id}";

    private static final Logger ACCESS = Logger.getLogger(ACCESS_CATEGORY);
    /** Outcome tag values, indexed by {@link CacheOutcome#ordinal()}, then "rejected". */
    private static final String[] OUTCOMES = outcomeTags();
    private static final int REJECTED = OUTCOMES.length - 1;
    private static final String[] STATUS_CLASSES = { "1xx", "2xx", "3xx", "4xx", "5xx" };

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter[]> requests = new ConcurrentHashMap<>();
    private final Timer[] upstream = new Timer[STATUS_CLASSES.length];

    LeadTelemetry(MeterRegistry registry, ConsumerRegistry consumers) {
        this.registry = registry;
        for (Consumer consumer : consumers.consumers()) {
            counters(consumer.name());
        }
        counters(UNIDENTIFIED);
        for (int i = 0; i < STATUS_CLASSES.length; i++) {
            upstream[i] = Timer.builder("proxy.upstream.requests")
                    .description("Coldsend answers to the proxy's attempts (retries included), by status class")
                    .tag("status_class", STATUS_CLASSES[i])
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
        }
    }

    /** A lead request answered with a lead (or Coldsend's 404), from wherever it came. */
    void answered(String requestId, String consumer, LeadKey key, CacheOutcome outcome, int status,
            int upstreamStatus, long startNanos) {
        counters(consumer)[outcome.ordinal()].increment();
        access(requestId, consumer, key, OUTCOMES[outcome.ordinal()], status, upstreamStatus, startNanos);
    }

    /** A lead request answered with an error: bad input, no key, budget spent, Coldsend failing. */
    void rejected(String requestId, Consumer consumer, LeadKey key, int status, int upstreamStatus, long startNanos) {
        String name = consumer == null ? UNIDENTIFIED : consumer.name();
        counters(name)[REJECTED].increment();
        access(requestId, name, key, OUTCOMES[REJECTED], status, upstreamStatus, startNanos);
    }

    /** One Coldsend answer to one attempt, after {@code nanos}. */
    void upstreamAnswered(int status, long nanos) {
        int statusClass = status / 100 - 1;
        if (statusClass >= 0 && statusClass < upstream.length) {
            upstream[statusClass].record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    private Counter[] counters(String consumer) {
        Counter[] existing = requests.get(consumer);
        return existing != null ? existing : requests.computeIfAbsent(consumer, this::register);
    }

    private Counter[] register(String consumer) {
        Counter[] counters = new Counter[OUTCOMES.length];
        for (int i = 0; i < OUTCOMES.length; i++) {
            counters[i] = Counter.builder("proxy.lead.requests")
                    .description("Lead requests by how they were answered and by consumer")
                    .tag("outcome", OUTCOMES[i])
                    .tag("consumer", consumer)
                    .register(registry);
        }
        return counters;
    }

    /**
     * Writes the access line: the fields go into the MDC (separate JSON fields in production) and,
     * as {@code key=value} pairs, into the message (readable in plain dev/test logs).
     */
    private static void access(String requestId, String consumer, LeadKey key, String outcome, int status,
            int upstreamStatus, long startNanos) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        String duration = millis(System.nanoTime() - startNanos);
        String upstreamValue = upstreamStatus == RequestTrace.NO_UPSTREAM_STATUS ? "-" : Integer.toString(upstreamStatus);
        String campaignId = key == null ? "-" : key.campaignId();
        String leadId = key == null ? "-" : key.leadId();
        MDC.put("request_id", requestId);
        MDC.put("consumer", consumer);
        MDC.put("route", ROUTE);
        MDC.put("campaign_id", campaignId);
        MDC.put("lead_id", leadId);
        MDC.put("outcome", outcome);
        MDC.put("status", Integer.toString(status));
        MDC.put("upstream_status", upstreamValue);
        MDC.put("duration_ms", duration);
        try {
            ACCESS.info(new StringBuilder(256)
                    .append("request_id=").append(requestId)
                    .append(" consumer=").append(consumer)
                    .append(" route=\"").append(ROUTE).append('"')
                    .append(" campaign_id=").append(campaignId)
                    .append(" lead_id=").append(leadId)
                    .append(" outcome=").append(outcome)
                    .append(" status=").append(status)
                    .append(" upstream_status=").append(upstreamValue)
                    .append(" duration_ms=").append(duration)
                    .toString());
        } finally {
            MDC.remove("request_id");
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
    private static String millis(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        long fraction = micros % 1_000;
        return (micros / 1_000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }

    private static String[] outcomeTags() {
        CacheOutcome[] outcomes = CacheOutcome.values();
        String[] tags = new String[outcomes.length + 1];
        for (CacheOutcome outcome : outcomes) {
            tags[outcome.ordinal()] = outcome.name().toLowerCase(Locale.ROOT);
        }
        tags[outcomes.length] = "rejected";
        return tags;
    }
}
