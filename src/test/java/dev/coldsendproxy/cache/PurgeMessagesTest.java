package dev.coldsendproxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cache.LeadKey;

/** The purge channel's messages survive the round trip, and anything else is ignored, not applied. */
class PurgeMessagesTest {

    @Test
    void encodesEveryPurgeSoOtherReplicasReadTheSamePurge() {
        PurgeBus.Purge lead = new PurgeBus.Purge.Lead(new LeadKey("c1", "l1"));
        PurgeBus.Purge campaign = new PurgeBus.Purge.Campaign("c1");
        PurgeBus.Purge all = new PurgeBus.Purge.All();

        assertThat(PurgeBus.decode(PurgeBus.encode(lead))).isEqualTo(lead);
        assertThat(PurgeBus.decode(PurgeBus.encode(campaign))).isEqualTo(campaign);
        assertThat(PurgeBus.decode(PurgeBus.encode(all))).isEqualTo(all);
    }

    @Test
    void ignoresMessagesItDoesNotKnow() {
        assertThat(PurgeBus.decode("lead only-one-id")).isNull();
        assertThat(PurgeBus.decode("flushall")).isNull();
        assertThat(PurgeBus.decode(null)).isNull();
    }
}
