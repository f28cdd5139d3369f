package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cache.LeadKey;

/** The fast route reads ids from the path itself: exactly the lead route's shape, or nothing. */
class LeadPathTest {

    private static final String CAMPAIGN = "3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01";
    private static final String LEAD = "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    @Test
    void readsBothIdsInCanonicalCase() {
        assertThat(LeadPath.keyOrNull("/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD))
                .isEqualTo(new LeadKey(CAMPAIGN, LEAD));
        assertThat(LeadPath.keyOrNull("/api/public/v1/campaigns/" + CAMPAIGN.toUpperCase() + "/leads/" + LEAD.toUpperCase()))
                .isEqualTo(new LeadKey(CAMPAIGN, LEAD));
    }

    @Test
    void leavesEveryOtherShapeToTheResource() {
        String[] others = {
                null,
                "",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD + "/",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/lead/" + LEAD + "x",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leadz/" + LEAD,
                "/api/public/v2/campaigns/" + CAMPAIGN + "/leads/" + LEAD,
                "/api/public/v1/campaigns/" + CAMPAIGN.replace('-', 'x') + "/leads/" + LEAD,
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD.replace('a', 'g'),
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD.substring(1) + "/",
        };
        for (String path : others) {
            assertThat(LeadPath.keyOrNull(path)).as(path).isNull();
        }
    }

    @Test
    void knowsTheRoutesShapeWhateverTheSegmentsHold() {
        assertThat(LeadPath.onRoute("/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD)).isTrue();
        assertThat(LeadPath.onRoute("/api/public/v1/campaigns/not-a-uuid/leads/x")).as("bad ids: a 400 of this route").isTrue();
        String[] others = {
                null,
                "/api/public/v1/campaigns/",
                "/api/public/v1/campaigns/" + CAMPAIGN,
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/",
                "/api/public/v1/campaigns//leads/" + LEAD,
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD + "/",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/x/leads/" + LEAD,
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD + "/notes",
                "/api/public/v1/leads/" + LEAD,
        };
        for (String path : others) {
            assertThat(LeadPath.onRoute(path)).as(String.valueOf(path)).isFalse();
        }
    }

    @Test
    void coversWhatAVertxPrefixRouteWould() {
        String[] under = {
                "/api/public/v1/campaigns",
                "/api/public/v1/campaigns/",
                "/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD,
                "/api/public/v1/campaigns/x/y/z",
        };
        for (String path : under) {
            assertThat(LeadPath.underPrefix(path)).as(path).isTrue();
        }
        String[] others = { "", "/", "/api/public/v1/campaign", "/api/public/v1/campaignsx", "/api/public/v1/Campaigns/",
                "/simulator/api/public/v1/campaigns/" + CAMPAIGN + "/leads/" + LEAD, "/q/health" };
        for (String path : others) {
            assertThat(LeadPath.underPrefix(path)).as(path).isFalse();
        }
    }
}
