package dev.coldsendproxy.lead;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;

import io.quarkus.runtime.ShutdownEvent;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Counts lead requests by outcome and consumer, times Coldsend's answers by status class, and
 * queues one access line per lead request for a writer thread off the event loop ({@link AccessLines}). Meters are resolved once (per consumer, at start-up
 * for the configured ones) so that a cache hit pays one map lookup and an increment, never a
 * registry lookup or a tag list.
 *
 * <p>{@code @ApplicationScoped}, unlike the other beans a hit calls ({@code @Singleton}, no client
 * proxy): it is made at the first request (or at shutdown), so a proxy that refuses to start (no Coldsend key, say)
 * prints that one reason and not the access lines' start-up line before it ({@code StartupChecksIT}).
 */
@ApplicationScoped
public class LeadTelemetry {

    /** Logger category of the access lines; set it to WARN to silence them. */
    public static final String ACCESS_CATEGORY = "dev.coldsendproxy.access";
    /** Consumer tag of requests rejected before the caller was identified. */
    static final String UNIDENTIFIED = "unidentified";
    /** The access lines' {@code route} of a GET, and of a HEAD (answered by the same method, and named as asked). */
    static final String ROUTE = "GET " + LeadPath.TEMPLATE;
    static final String HEAD_ROUTE = "HEAD " + LeadPath.TEMPLATE;

    private static final Logger ACCESS = Logger.getLogger(ACCESS_CATEGORY);
    /** Outcome tag values, indexed by {@link CacheOutcome#ordinal()}, then "rejected". */
    private static final String[] OUTCOMES = outcomeTags();
    private static final int REJECTED = OUTCOMES.length - 1;
    private static final String[] STATUS_CLASSES = { "1xx", "2xx", "3xx", "4xx", "5xx" };

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter[]> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> rateLimited = new ConcurrentHashMap<>();
    private final Timer[] upstream = new Timer[STATUS_CLASSES.length];
    private final AccessLines lines;

    LeadTelemetry(MeterRegistry registry, ConsumerRegistry consumers, AccessLogConfig config) {
        this.registry = registry;
        this.lines = new AccessLines(ACCESS_CATEGORY, config.queue());
        FunctionCounter.builder("proxy.access.lines.dropped", lines, AccessLines::dropped)
                .description("Access lines dropped because the log sink fell behind and the queue was full")
                .register(registry);
        FunctionCounter.builder("proxy.access.lines.failed", lines, AccessLines::failed)
                .description("Access lines a log handler reported it could not write (a file handler on a full disk): lost,"
                        + " or written only in part")
                .register(registry);
        for (Consumer consumer : consumers.consumers()) {
            counters(consumer.name());
            rateLimited(consumer.name());
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

    /** The access line's {@code route} of a request with {@code method}: {@link #HEAD_ROUTE} for a HEAD. */
    static String route(HttpMethod method) {
        return HttpMethod.HEAD.equals(method) ? HEAD_ROUTE : ROUTE;
    }

    /**
     * A lead request answered with a lead (or Coldsend's 404), from wherever it came; {@code traceId}
     * is its trace's ({@link LeadSpan#traceId}), {@code route} {@link #ROUTE} or {@link #HEAD_ROUTE}.
     */
    void answered(String requestId, String traceId, String consumer, String route, LeadKey key, CacheOutcome outcome,
            int status, int upstreamStatus, long startNanos) {
        counters(consumer)[outcome.ordinal()].increment();
        access(requestId, traceId, consumer, route, key, OUTCOMES[outcome.ordinal()], status, upstreamStatus, startNanos);
    }

    /** A lead request answered with an error: bad input, no key, budget spent, Coldsend failing. */
    void rejected(String requestId, String traceId, Consumer consumer, String route, LeadKey key, int status,
            int upstreamStatus, long startNanos) {
        String name = consumer == null ? UNIDENTIFIED : consumer.name();
        counters(name)[REJECTED].increment();
        if (status == 429) {
            rateLimited(name).increment();
        }
        access(requestId, traceId, name, route, key, OUTCOMES[REJECTED], status, upstreamStatus, startNanos);
    }

    /** The tag of {@code outcome} in metrics, access lines and spans. */
    static String tag(CacheOutcome outcome) {
        return OUTCOMES[outcome.ordinal()];
    }

    /** The outcome tag of an error answer. */
    static String rejectedTag() {
        return OUTCOMES[REJECTED];
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

    /** The 429s of one consumer: its share of the budget spent, or Coldsend's own 429 passed on. */
    private Counter rateLimited(String consumer) {
        return rateLimited.computeIfAbsent(consumer, name -> Counter.builder("proxy.lead.rate.limited")
                .description("Lead requests answered 429: the consumer's share of the budget was spent")
                .tag("consumer", name)
                .register(registry));
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

    /** Hands the access line to the writer thread ({@link AccessLines}); never blocks the caller. */
    private void access(String requestId, String traceId, String consumer, String route, LeadKey key, String outcome,
            int status, int upstreamStatus, long startNanos) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        lines.offer(new AccessLines.Line(requestId, traceId, consumer, route, key == null ? "-" : key.campaignId(),
                key == null ? "-" : key.leadId(), outcome, status, upstreamStatus, System.nanoTime() - startNanos));
    }

    /** Writes every access line still queued, before the process exits. */
    void flush(@Observes ShutdownEvent event) {
        lines.close();
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
