package dev.coldsendproxy.admin;

import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.cache.PurgeBus;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Cache purge and statistics for operators, mounted on the management router only, so the public
 * port never exposes them, and guarded by the admin bearer token.
 */
@ApplicationScoped
public class AdminRoutes {

    private final LeadCache cache;
    private final AdminToken token;
    private final PurgeBus purges;

    AdminRoutes(LeadCache cache, AdminConfig config, PurgeBus purges) {
        this.cache = cache;
        this.token = AdminToken.from(config);
        this.purges = purges;
    }

    /** Adds the admin routes when the management interface starts. */
    void register(@Observes ManagementInterface management) {
        Router router = management.router();
        router.delete("/admin/cache/campaigns/:campaign_id/leads/:lead_id").blockingHandler(guarded(this::purgeLead), false);
        router.delete("/admin/cache/campaigns/:campaign_id").blockingHandler(guarded(this::purgeCampaign), false);
        router.delete("/admin/cache").blockingHandler(guarded(this::purgeAll), false);
        router.get("/admin/cache/stats").blockingHandler(guarded(this::stats), false);
    }

    private void purgeLead(RoutingContext rc) {
        String campaignId = uuid(rc, "campaign_id");
        String leadId = uuid(rc, "lead_id");
        if (campaignId == null || leadId == null) {
            return;
        }
        LeadKey key = new LeadKey(campaignId, leadId);
        boolean present = cache.peek(key) != null;
        cache.invalidate(key);
        everywhere(new PurgeBus.Purge.Lead(key));
        json(rc, 200, new JsonObject().put("campaign_id", campaignId).put("lead_id", leadId)
                .put("purged_entries", present ? 1 : 0));
    }

    private void purgeCampaign(RoutingContext rc) {
        String campaignId = uuid(rc, "campaign_id");
        if (campaignId == null) {
            return;
        }
        long purged = cache.invalidateCampaign(campaignId);
        everywhere(new PurgeBus.Purge.Campaign(campaignId));
        json(rc, 200, new JsonObject().put("campaign_id", campaignId).put("purged_entries", purged));
    }

    private void purgeAll(RoutingContext rc) {
        long before = cache.snapshot().entries();
        cache.invalidateAll();
        everywhere(new PurgeBus.Purge.All());
        json(rc, 200, new JsonObject().put("purged_entries", before));
    }

    /**
     * With the Redis tier on, also drops the shared copy and every other replica's local copy; a
     * no-op beyond this replica otherwise. Never fails (Redis trouble leaves the purge local); runs
     * on the worker thread of a blocking handler, bounded by the tier's own timeouts.
     */
    private void everywhere(PurgeBus.Purge purge) {
        purges.publish(purge).await().indefinitely();
    }

    private void stats(RoutingContext rc) {
        LeadCache.Snapshot snapshot = cache.snapshot();
        json(rc, 200, new JsonObject()
                .put("entries", snapshot.entries())
                .put("weighted_bytes", snapshot.weightedBytes())
                .put("hits", snapshot.stats().hitCount())
                .put("misses", snapshot.stats().missCount())
                .put("hit_ratio", snapshot.stats().hitRate())
                .put("evictions", snapshot.stats().evictionCount())
                .put("evicted_bytes", snapshot.stats().evictionWeight()));
    }

    /** Runs {@code action} only for a caller presenting the admin token; 401/403 JSON otherwise. */
    private Handler<RoutingContext> guarded(Handler<RoutingContext> action) {
        return rc -> {
            if (!token.configured()) {
                problem(rc, 403, "The admin API is disabled: set proxy.admin.token-sha256 (env PROXY_ADMIN_TOKEN_SHA256) "
                        + "to the SHA-256 of an admin token");
            } else if (!token.accepts(rc.request().getHeader("Authorization"))) {
                rc.response().putHeader("WWW-Authenticate", "Bearer");
                problem(rc, 401, "Admin token required: send it as Authorization: Bearer <token>");
            } else {
                action.handle(rc);
            }
        };
    }

    /** The path parameter in canonical lower case, or null after answering 400. */
    private static String uuid(RoutingContext rc, String name) {
        String canonical = LeadKey.canonicalId(rc.pathParam(name));
        if (canonical == null) {
            problem(rc, 400, name + " must be a UUID such as 3f2b8c1e-8d4a-4c7e-9b1f-2a6d5e7c9f01");
        }
        return canonical;
    }

    private static void problem(RoutingContext rc, int status, String detail) {
        json(rc, status, new JsonObject().put("detail", detail));
    }

    private static void json(RoutingContext rc, int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
