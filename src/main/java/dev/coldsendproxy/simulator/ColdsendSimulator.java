package dev.coldsendproxy.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.arc.profile.IfBuildProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A stand-in for Coldsend in dev mode only, so {@code ./mvnw quarkus:dev} works with no key and no
 * network: deterministic fake leads derived from the UUIDs, Coldsend's error shapes, its
 * {@code X-RateLimit-*} headers and its 100-a-minute limit. Left out of every other build; nothing
 * imports it.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class ColdsendSimulator {

    static final String ROUTE = "/simulator/api/public/v1/campaigns/:campaign_id/leads/:lead_id";
    private static final Pattern UUID_SHAPE = Pattern
            .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int PER_MINUTE = 100;
    private static final String[] STATUSES = { "PENDING", "QUEUED", "SENT", "OPENED", "REPLIED", "FAILED",
            "BOUNCED", "UNSUBSCRIBED", "EXTERNAL" };
    private static final String[] FIRST = { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Linus" };
    private static final String[] LAST = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson" };
    private static final String[] COMPANY = { "Initech", "Globex", "Hooli", "Umbrella", "Acme", "Stark" };

    private final String expectedKey;
    private final Deque<Long> sent = new ArrayDeque<>();

    ColdsendSimulator(@ConfigProperty(name = "coldsend.api-key", defaultValue = "") String expectedKey) {
        this.expectedKey = expectedKey;
    }

    void register(@Observes Router router) {
        router.get(ROUTE).handler(this::lead);
    }

    private void lead(RoutingContext ctx) {
        long nowSeconds = Instant.now().getEpochSecond();
        int remaining = admit(System.currentTimeMillis());
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("X-RateLimit-Limit", String.valueOf(PER_MINUTE))
                .putHeader("X-RateLimit-Remaining", String.valueOf(Math.max(0, remaining)))
                .putHeader("X-RateLimit-Reset", String.valueOf(nowSeconds + 60 - nowSeconds % 60));
        String key = ctx.request().getHeader("X-API-Key");
        if (key == null || key.isEmpty()) {
            end(ctx, 401, error("API key required"));
        } else if (!key.equals(expectedKey)) {
            end(ctx, 401, error("Invalid or revoked API key"));
        } else if (remaining < 0) {
            ctx.response().putHeader("Retry-After", "60");
            end(ctx, 429, error("Rate limit exceeded. Retry after 60 seconds."));
        } else {
            String campaignId = ctx.pathParam("campaign_id");
            String leadId = ctx.pathParam("lead_id");
            if (!UUID_SHAPE.matcher(campaignId).matches() || !UUID_SHAPE.matcher(leadId).matches()) {
                end(ctx, 422, new JsonObject().put("detail", new JsonArray().add(new JsonObject()
                        .put("loc", new JsonArray().add("path").add("lead_id"))
                        .put("msg", "value is not a valid uuid").put("type", "type_error.uuid"))).encode());
            } else if (leadId.toLowerCase().endsWith("0")) {
                end(ctx, 404, error("Lead not found"));
            } else {
                end(ctx, 200, fakeLead(campaignId, leadId));
            }
        }
    }

    /** Counts one request in the last minute; returns what is left, negative when over. */
    private synchronized int admit(long nowMillis) {
        while (!sent.isEmpty() && nowMillis - sent.peekFirst() >= 60_000) {
            sent.removeFirst();
        }
        if (sent.size() >= PER_MINUTE) {
            return -1;
        }
        sent.addLast(nowMillis);
        return PER_MINUTE - sent.size();
    }

    static String fakeLead(String campaignId, String leadId) {
        Random random = new Random(UUID.fromString(leadId).getLeastSignificantBits()
                ^ UUID.fromString(campaignId).getMostSignificantBits());
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String company = COMPANY[random.nextInt(COMPANY.length)];
        Instant created = Instant.parse("2026-01-01T09:00:00Z").plus(random.nextInt(300), ChronoUnit.DAYS);
        int steps = random.nextInt(4);
        JsonArray interactions = new JsonArray();
        for (int step = 1; step <= steps; step++) {
            Instant sentAt = created.plus(step * 3L, ChronoUnit.DAYS);
            boolean opened = random.nextBoolean();
            interactions.add(new JsonObject()
                    .put("email_id", new UUID(random.nextLong(), random.nextLong()).toString())
                    .put("sequence_step", step)
                    .put("subject", "Step " + step + ": a quick question for " + company)
                    .put("sent_at", sentAt.toString())
                    .put("opened_at", opened ? sentAt.plus(2, ChronoUnit.HOURS).toString() : null)
                    .put("replied_at", null)
                    .put("inbox_email", "sales@example.com")
                    .put("sent", true).put("opened", opened).put("bounced", false));
        }
        JsonObject lead = new JsonObject()
                .put("lead_id", leadId.toLowerCase())
                .put("email", (first + "." + last + "@" + company + ".example").toLowerCase())
                .put("first_name", first).put("last_name", last).put("company", company)
                .put("status", STATUSES[random.nextInt(STATUSES.length)])
                .put("last_contacted_at", steps > 0 ? created.plus(steps * 3L, ChronoUnit.DAYS).toString() : null)
                .put("opened_at", null).put("replied_at", null)
                .put("created_at", created.toString())
                .put("custom_fields", new JsonObject().put("source", "simulator"))
                .put("sequence_step", steps)
                .put("email_opened", false).put("email_replied", false).put("unsubscribed", false)
                .put("delivery_status", steps > 0 ? "delivered" : null)
                .put("email_interactions", interactions)
                .put("replies", new JsonArray());
        return lead.encode();
    }

    private static String error(String detail) {
        return new JsonObject().put("detail", detail).encode();
    }

    private static void end(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).end(io.vertx.core.buffer.Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
    }
}
