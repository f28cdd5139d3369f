package dev.coldsendproxy.cache;

import dev.coldsendproxy.cluster.RedisTierState;
import dev.coldsendproxy.cluster.RedisTier;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.StartupEvent;
import java.util.Locale;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The hook for admin purges: {@link #publish} drops the local (L1) copy at once, removes the
 * shared (L2) copy, and tells every other replica over Redis pub/sub to drop its L1 copy. Without
 * the Redis tier (disabled or unreachable) only this replica's copy is dropped; the others keep
 * theirs until their TTL ends, as before the tier existed.
 *
 * <p>Messages: {@code lead <campaign> <lead>}, {@code campaign <campaign>}, {@code all} on channel
 * {@code <prefix>:purge}. The subscription is renewed every time the tier returns to shared mode.
 */
@ApplicationScoped
public class PurgeBus {

    private static final Logger LOG = Logger.getLogger(PurgeBus.class);

    private final RedisTier tier;
    private final RedisTierState state;
    private final SharedLeadStore store;
    private final LeadCache cache;
    private volatile ReactiveRedisSubscriber subscriber;

    PurgeBus(RedisTier tier, RedisTierState state, SharedLeadStore store, LeadCache cache) {
        this.tier = tier;
        this.state = state;
        this.store = store;
        this.cache = cache;
    }

    /** What to purge: one lead, one campaign's leads, or everything. */
    public sealed interface Purge {
        /** One lead. */
        record Lead(LeadKey key) implements Purge {
        }

        /** Every lead of one campaign (lower-case UUID). */
        record Campaign(String campaignId) implements Purge {
        }

        /** Every lead. */
        record All() implements Purge {
        }
    }

    void listen(@Observes StartupEvent event) {
        if (tier.enabled()) {
            state.onShared(this::subscribe);
        }
    }

    /**
     * Purges on every replica: local L1 now, then (in shared mode) L2 and the other replicas' L1
     * via pub/sub. Never fails: a Redis problem leaves the purge local and is logged.
     *
     * @return completes once the purge is applied here and handed to Redis (or Redis failed)
     */
    public Uni<Void> publish(Purge purge) {
        apply(purge);
        if (!tier.shared()) {
            return Uni.createFrom().voidItem();
        }
        Uni<?> shared = purge instanceof Purge.Lead lead ? store.delete(lead.key())
                : purge instanceof Purge.Campaign campaign ? store.deleteCampaign(campaign.campaignId())
                : store.deleteAll();
        return shared.chain(() -> tier.call(ds -> ds.pubsub(String.class).publish(tier.keys().purgeChannel(), encode(purge))))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("purge applied on this replica only: %s", failure.getMessage());
                    return null;
                });
    }

    /** Drops this replica's L1 copies named by {@code purge}. */
    void apply(Purge purge) {
        if (purge instanceof Purge.Lead lead) {
            cache.invalidate(lead.key());
        } else if (purge instanceof Purge.Campaign campaign) {
            cache.invalidateCampaign(campaign.campaignId());
        } else {
            cache.invalidateAll();
        }
    }

    private void subscribe() {
        ReactiveRedisSubscriber previous = subscriber;
        subscriber = null;
        if (previous != null) {
            previous.unsubscribe().subscribe().with(done -> {
            }, failure -> {
            });
        }
        tier.call(ds -> ds.pubsub(String.class).subscribe(tier.keys().purgeChannel(), this::received))
                .subscribe().with(subscribed -> subscriber = subscribed,
                        failure -> LOG.warnf("purge channel not subscribed: %s", failure.getMessage()));
    }

    private void received(String message) {
        Purge purge = decode(message);
        if (purge == null) {
            LOG.warnf("ignored an unknown purge message of %d chars", message == null ? 0 : message.length());
            return;
        }
        apply(purge);
    }

    static String encode(Purge purge) {
        if (purge instanceof Purge.Lead lead) {
            return "lead " + lead.key().campaignId() + " " + lead.key().leadId();
        }
        return purge instanceof Purge.Campaign campaign ? "campaign " + campaign.campaignId() : "all";
    }

    static Purge decode(String message) {
        if (message == null) {
            return null;
        }
        String[] parts = message.trim().toLowerCase(Locale.ROOT).split(" ");
        return switch (parts[0]) {
            case "lead" -> parts.length == 3 ? new Purge.Lead(new LeadKey(parts[1], parts[2])) : null;
            case "campaign" -> parts.length == 2 ? new Purge.Campaign(parts[1]) : null;
            case "all" -> parts.length == 1 ? new Purge.All() : null;
            default -> null;
        };
    }
}
