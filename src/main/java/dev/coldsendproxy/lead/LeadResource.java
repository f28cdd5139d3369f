package dev.coldsendproxy.lead;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import dev.coldsendproxy.quota.Budget;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.smallrye.mutiny.Uni;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Coldsend's lead route, unchanged for consumers: same path, same 200 body byte for byte, same
 * error shape; only the base URL and the key differ. Runs on the event loop and never blocks.
 */
@Path("/api/public/v1/campaigns/{campaign_id}/leads/{lead_id}")
public class LeadResource {

    private final LeadService leads;
    private final ConsumerRegistry consumers;
    private final QuotaGovernor quota;

    LeadResource(LeadService leads, ConsumerRegistry consumers, QuotaGovernor quota) {
        this.leads = leads;
        this.consumers = consumers;
        this.quota = quota;
    }

    @GET
    public Uni<RestResponse<byte[]>> get(@RestPath("campaign_id") String campaignId,
            @RestPath("lead_id") String leadId,
            @RestHeader("X-API-Key") String apiKey,
            @RestHeader("X-Request-Id") String requestId) {
        Consumer consumer = consumers.authenticate(apiKey);
        LeadKey key = LeadIds.parse(campaignId, leadId);
        CachedLead fresh = leads.freshOrNull(key);
        if (fresh != null) {
            return Uni.createFrom().item(respond(fresh, CacheOutcome.HIT, leads.ageSeconds(fresh), consumer));
        }
        return leads.fetch(key, consumer, requestId)
                .map(reply -> respond(reply.lead(), reply.outcome(), reply.ageSeconds(), consumer));
    }

    private RestResponse<byte[]> respond(CachedLead lead, CacheOutcome outcome, long age, Consumer consumer) {
        Budget budget = quota.budget(consumer.name(), consumer.share());
        return RestResponse.ResponseBuilder.<byte[]>create(lead.status()).entity(lead.body())
                .header("Content-Type", "application/json")
                .header("X-Cache", outcome.header())
                .header("Age", age)
                .header("ETag", lead.etag())
                .header("RateLimit-Limit", budget.limit())
                .header("RateLimit-Remaining", budget.remaining())
                .header("RateLimit-Reset", quota.resetSeconds(budget))
                .build();
    }
}
