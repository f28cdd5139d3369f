package dev.coldsendproxy.lead;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import dev.coldsendproxy.error.ProblemException;
import dev.coldsendproxy.quota.Budget;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Coldsend's lead route, unchanged for consumers: same path, same 200 body byte for byte, same
 * error shape; only the base URL and the key differ. Runs on the event loop and never blocks.
 * Fresh hits are answered before this by {@link FreshHitRoute}; everything else arrives here.
 */
@Path(LeadPath.TEMPLATE)
public class LeadResource {

    static final String REQUEST_ID = "X-Request-Id";

    private final LeadService leads;
    private final ConsumerRegistry consumers;
    private final QuotaGovernor quota;
    private final LeadTelemetry telemetry;

    LeadResource(LeadService leads, ConsumerRegistry consumers, QuotaGovernor quota, LeadTelemetry telemetry) {
        this.leads = leads;
        this.consumers = consumers;
        this.quota = quota;
        this.telemetry = telemetry;
    }

    /**
     * The request id goes onto the Vert.x response first, so that error answers written by the
     * exception mappers carry it too.
     */
    @GET
    public Uni<RestResponse<byte[]>> get(@RestPath("campaign_id") String campaignId,
            @RestPath("lead_id") String leadId,
            @RestHeader("X-API-Key") String apiKey,
            @RestHeader("X-Request-Id") String callerRequestId,
            @RestHeader("If-None-Match") String ifNoneMatch,
            @RestHeader("Cache-Control") String cacheControl,
            @RestHeader("Prefer") String prefer,
            @RestHeader("traceparent") String traceparent,
            HttpServerRequest request,
            HttpServerResponse http) {
        long start = System.nanoTime();
        // Taken here, on the request's own context: the answer may come back on another.
        Span span = LeadSpan.current();
        String traceId = LeadSpan.traceId(span, traceparent);
        String requestId = RequestIds.acceptOrCreate(callerRequestId);
        // A HEAD comes here too (JAX-RS answers it with the GET method); its access line says HEAD.
        String route = LeadTelemetry.route(request.method());
        http.putHeader(REQUEST_ID, requestId);
        Consumer consumer = null;
        LeadKey key = null;
        try {
            consumer = consumers.authenticate(apiKey);
            key = LeadIds.parse(campaignId, leadId);
            return fetch(key, consumer, new RequestTrace(requestId, RequestDirectives.parse(cacheControl),
                    PreferWait.parse(prefer)), route, ifNoneMatch,
                    http, span, traceId, start);
        } catch (RuntimeException e) {
            LeadSpan.record(span, consumerName(consumer), LeadTelemetry.rejectedTag(), LeadSpan.QuotaDecision.NONE,
                    RequestTrace.NO_UPSTREAM_STATUS);
            telemetry.rejected(requestId, traceId, consumer, route, key, statusOf(e), RequestTrace.NO_UPSTREAM_STATUS,
                    start);
            throw e;
        }
    }

    private Uni<RestResponse<byte[]>> fetch(LeadKey key, Consumer consumer, RequestTrace trace, String route,
            String ifNoneMatch, HttpServerResponse http, Span span, String traceId, long start) {
        return leads.fetch(key, consumer, trace)
                .map(reply -> {
                    RestResponse<byte[]> response = respond(reply.lead(), reply.outcome(), reply.ageSeconds(), consumer,
                            ifNoneMatch, http);
                    // Before the response is written: the span ends with it.
                    LeadSpan.record(span, consumer.name(), LeadTelemetry.tag(reply.outcome()), trace.quotaDecision(),
                            trace.upstreamStatus());
                    telemetry.answered(trace.requestId(), traceId, consumer.name(), route, key, reply.outcome(),
                            response.getStatus(), trace.upstreamStatus(), start);
                    return response;
                })
                .onFailure().invoke(failure -> {
                    int status = statusOf(failure);
                    LeadSpan.record(span, consumer.name(), LeadTelemetry.rejectedTag(),
                            status == 429 ? trace.quotaDecisionOnRefusal() : trace.quotaDecision(), trace.upstreamStatus());
                    telemetry.rejected(trace.requestId(), traceId, consumer, route, key, status,
                            trace.upstreamStatus(), start);
                });
    }

    private RestResponse<byte[]> respond(CachedLead lead, CacheOutcome outcome, long age, Consumer consumer,
            String ifNoneMatch, HttpServerResponse http) {
        Budget budget = quota.budget(consumer.name(), consumer.share());
        LeadHeaders.put(http.headers(), lead, outcome, age, budget, quota.resetSeconds(budget));
        if (lead.status() == 200 && EntityTags.noneMatchFails(ifNoneMatch, lead.etag())) {
            return RestResponse.ResponseBuilder.<byte[]>create(304).build();
        }
        return RestResponse.ResponseBuilder.<byte[]>create(lead.status()).entity(lead.body())
                .header("Content-Type", "application/json")
                .build();
    }

    private static String consumerName(Consumer consumer) {
        return consumer == null ? LeadTelemetry.UNIDENTIFIED : consumer.name();
    }

    private static int statusOf(Throwable failure) {
        return failure instanceof ProblemException problem ? problem.status() : 500;
    }
}
