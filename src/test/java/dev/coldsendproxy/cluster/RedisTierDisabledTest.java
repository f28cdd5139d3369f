package dev.coldsendproxy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.cache.PurgeBus;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import jakarta.inject.Inject;

/** The default: no Redis configured or running, the tier stays disabled and purges stay local. */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class RedisTierDisabledTest extends ProxyTestBase {

    @TestHTTPResource("/")
    URI proxy;

    @Inject
    RedisTierState state;

    @Inject
    PurgeBus purges;

    @Inject
    LeadCache cache;

    @Test
    void servesWithoutRedisAndPurgesTheLocalCopyOnly() {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));

        HttpResponse<byte[]> miss = ConcurrentGets.get(proxy.resolve(leadPath(campaign, leadId)));
        purges.publish(new PurgeBus.Purge.Lead(new LeadKey(campaign, leadId))).await().indefinitely();

        assertThat(state.mode()).isEqualTo(RedisTierState.Mode.DISABLED);
        assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(cache.peek(new LeadKey(campaign, leadId))).isNull();
    }
}
