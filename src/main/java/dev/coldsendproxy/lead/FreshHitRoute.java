package dev.coldsendproxy.lead;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import dev.coldsendproxy.error.ProblemException;
import dev.coldsendproxy.quota.Budget;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Answers fresh cache hits straight from the Vert.x router, ahead of RESTEasy Reactive: a hit is
 * a map lookup and a write of bytes already held, and the framework's per-request writer lookup,
 * content-type parsing and {@code Uni} plumbing were about 40% of a hit's CPU in bench/'s JFR
 * profile (docs/benchmarks.md). Anything else (a missing or unknown key, bad ids,
 * {@code Cache-Control: no-cache}, a stale or absent entry, one not fresh enough for the caller's
 * {@code max-age} or {@code min-fresh}) goes on to {@link LeadResource}
 * untouched via {@code next()}, so errors, misses and stale answers keep one code path. Those
 * requests get their server span on the way ({@link LeadServerSpans}); a fresh hit gets none, and
 * its access line carries the caller's trace id instead (docs/benchmarks.md "As shipped").
 */
@ApplicationScoped
class FreshHitRoute {

    private static final Handler<AsyncResult<Void>> NO_COMPLETION = null;

    private final LeadService leads;
    private final ConsumerRegistry consumers;
    private final QuotaGovernor quota;
    private final LeadTelemetry telemetry;
    private final LeadServerSpans spans;

    /** {@code quarkus.http.limits.max-body-size}, in bytes: what Quarkus's limit handler answers 413 above. */
    private final long maxBodyBytes;

    FreshHitRoute(LeadService leads, ConsumerRegistry consumers, QuotaGovernor quota, LeadTelemetry telemetry,
            LeadServerSpans spans,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBodySize) {
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.leads = leads;
        this.consumers = consumers;
        this.quota = quota;
        this.telemetry = telemetry;
        this.spans = spans;
    }

    /**
     * Ahead of RESTEasy Reactive's routes and of the handlers Quarkus runs before them for every
     * request (RESTEasy's auth-failure marker at -199, the body-size limit at -2): each costs a hit
     * a dispatch, and the limit puts a value into the request's own map. A request announcing more
     * than the limit goes on to it untouched ({@link #overLimit}), so it still answers 413, as when
     * this route came after it. After {@code ConnectionGuard}, Quarkus's configured headers (both at
     * the lowest order) and CORS (-300). With {@code quarkus.http.enable-compression} (off here), a
     * hit would also pass before Quarkus's compression marker (0), which only marks types that must
     * not be compressed; a lead is JSON, compressed either way.
     */
    static final int ORDER = -200;

    /**
     * A route without a path, which looks at the prefix itself
     * ({@link LeadPath#underPrefix}) and reads the ids without a regex ({@link LeadPath#keyOrNull}):
     * Vert.x's prefix route would copy the rest of every path into a parameter map. Every method under
     * the prefix passes here, so that a HEAD (answered by the resource) or a 405 gets its span too;
     * other paths go on untouched.
     */
    void register(@Observes Router router) {
        router.route().order(ORDER).handler(this::serve);
    }

    void serve(RoutingContext ctx) {
        // A malformed escape never gets here: Quarkus answers 400 for a URI java.net.URI rejects (BadInputTest).
        String path = ctx.normalizedPath();
        if (!LeadPath.underPrefix(path)) {
            ctx.next();
            return;
        }
        MultiMap in = ctx.request().headers();
        if (overLimit(in)) {
            ctx.next();
            return;
        }
        long start = System.nanoTime();
        if (ctx.request().method() != HttpMethod.GET) {
            spans.next(ctx);
            return;
        }
        RequestDirectives asked = RequestDirectives.parse(in.get(LeadHeaders.CACHE_CONTROL));
        if (asked.noCache()) {
            spans.next(ctx);
            return;
        }
        LeadKey key = LeadPath.keyOrNull(path);
        if (key == null) {
            spans.next(ctx);
            return;
        }
        Consumer consumer;
        try {
            consumer = consumers.authenticate(in.get(LeadHeaders.X_API_KEY));
        } catch (ProblemException notAPlainHit) {
            spans.next(ctx);
            return;
        }
        HttpServerResponse response = ctx.response();
        MultiMap out = response.headers();
        CachedLead fresh = hit(key, consumer, asked, out);
        if (fresh == null) {
            spans.next(ctx);
            return;
        }
        String requestId = RequestIds.acceptOrCreate(in.get(LeadHeaders.X_REQUEST_ID));
        out.set(LeadHeaders.X_REQUEST_ID, requestId);
        // end(..., null): no completion to wait for, so Vert.x writes with the channel's void promise
        // instead of a Vert.x promise and a Netty promise made, listened to and completed per hit.
        int status;
        if (fresh.status() == 200 && EntityTags.noneMatchFails(in.get(LeadHeaders.IF_NONE_MATCH), fresh.etag())) {
            status = 304;
            response.setStatusCode(status).end(NO_COMPLETION);
        } else {
            status = fresh.status();
            out.set(LeadHeaders.CONTENT_TYPE, LeadHeaders.APPLICATION_JSON);
            response.setStatusCode(status).end(fresh.wire(), NO_COMPLETION);
        }
        telemetry.answered(requestId, LeadSpan.callersTraceId(in.get(LeadHeaders.TRACEPARENT)), consumer.name(),
                LeadTelemetry.ROUTE, key, CacheOutcome.HIT, status, RequestTrace.NO_UPSTREAM_STATUS, start);
    }

    /**
     * Whether the request announces a body over Quarkus's limit (or a length it cannot read): then
     * Quarkus's limit handler answers it, as it did before this route ever saw such a request.
     */
    private boolean overLimit(MultiMap in) {
        String length = in.get(LeadHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length) > maxBodyBytes;
        } catch (NumberFormatException unreadable) {
            return true;
        }
    }

    /**
     * The fresh copy of {@code key} with a hit's headers put on {@code out}, or null with nothing
     * put. One clock reading serves freshness, {@code Age} and the budget. The JMH benchmark
     * (bench/jmh) measures this method: the proxy's own work on a hit, without the network.
     */
    CachedLead hit(LeadKey key, Consumer consumer, RequestDirectives asked, MultiMap out) {
        long now = leads.now();
        CachedLead fresh = leads.freshOrNull(key, asked, now);
        if (fresh != null) {
            Budget budget = quota.budget(consumer.name(), consumer.share(), now);
            LeadHeaders.put(out, fresh, CacheOutcome.HIT, leads.ageSeconds(fresh, now), budget, budget.resetSeconds(now));
        }
        return fresh;
    }
}
