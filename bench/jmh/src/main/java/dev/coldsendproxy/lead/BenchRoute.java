package dev.coldsendproxy.lead;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.jboss.resteasy.reactive.RestResponse;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.smallrye.mutiny.Uni;

/**
 * The real {@link LeadResource} and {@link LeadService}, wired by hand for the JMH benchmarks.
 * The upstream client is absent: a benchmark that reached it would fail with a
 * NullPointerException, which is how the benchmark proves it stayed on the hit path.
 * {@code respond} is private, so it is reached through a method handle rather than copied (a
 * copy would not show a regression in the real method).
 */
public final class BenchRoute {

    private final LeadResource resource;
    private final MethodHandle respond;

    public BenchRoute(LeadCache cache, QuotaGovernor quota, ConsumerRegistry consumers, CacheConfig config) {
        LeadService service = new LeadService(cache, null, quota, config);
        this.resource = new LeadResource(service, consumers, quota);
        try {
            this.respond = MethodHandles.privateLookupIn(LeadResource.class, MethodHandles.lookup())
                    .findVirtual(LeadResource.class, "respond", MethodType.methodType(RestResponse.class,
                            CachedLead.class, CacheOutcome.class, long.class, Consumer.class))
                    .bindTo(resource);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LeadResource.respond changed shape; update the benchmark", e);
        }
    }

    /** The whole resource method, as RESTEasy Reactive calls it for a request. */
    public Uni<RestResponse<byte[]>> get(String campaignId, String leadId) {
        return resource.get(campaignId, leadId, null, null);
    }

    /** Only the response assembly of a hit: status, body reference and the seven headers. */
    @SuppressWarnings("unchecked")
    public RestResponse<byte[]> respondHit(CachedLead lead, long ageSeconds) {
        try {
            return (RestResponse<byte[]>) respond.invoke(lead, CacheOutcome.HIT, ageSeconds, Consumer.ANONYMOUS);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
