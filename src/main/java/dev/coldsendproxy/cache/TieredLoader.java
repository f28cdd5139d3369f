package dev.coldsendproxy.cache;

import java.util.function.Supplier;

import dev.coldsendproxy.cluster.RedisTier;
import dev.coldsendproxy.cluster.RedisUnavailableException;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The loader behind the local cache when replicas share a Redis tier: shared copy (L2) first,
 * then the cluster-wide single flight (one replica fetches, the others wait for its copy, up to
 * {@code proxy.redis.lock-wait}), then Coldsend, whose answer is shared for the other replicas.
 * Any Redis trouble skips straight to Coldsend: Redis never fails a request. Without the tier (or
 * while it is local-only) it is exactly the upstream call.
 */
@ApplicationScoped
public class TieredLoader {

    /** Where a loaded answer came from, for {@code X-Cache}. */
    public enum Source {
        /** Fetched from Coldsend by this replica. */
        UPSTREAM,
        /** Another replica's fresh copy, found at once: a hit. */
        SHARED,
        /** Another replica's copy, after waiting for its fetch: coalesced across the cluster. */
        SHARED_AFTER_WAIT
    }

    /** A loaded answer and its source. */
    public record Loaded(Fetched fetched, Source source) {
    }

    /** Sentinel for "Redis did not answer the lock request". */
    private static final String NO_REDIS = new String("no-redis");

    private final RedisTier tier;
    private final SharedLeadStore store;
    private final ClusterSingleFlight flight;

    TieredLoader(RedisTier tier, SharedLeadStore store, ClusterSingleFlight flight) {
        this.tier = tier;
        this.store = store;
        this.flight = flight;
    }

    /**
     * Loads {@code key} through the shared tier when it is available, else from {@code upstream}.
     * With {@code skipShared} (a caller's {@code Cache-Control: no-cache}) the shared copy is not
     * read, but the fresh answer is still shared with the other replicas.
     */
    public Uni<Loaded> load(LeadKey key, boolean skipShared, Supplier<Uni<Fetched>> upstream) {
        if (!tier.shared()) {
            return upstream.get().map(fetched -> new Loaded(fetched, Source.UPSTREAM));
        }
        if (skipShared) {
            return fetchAndShare(key, upstream);
        }
        long deadline = System.nanoTime() + flight.maxWait().toNanos();
        return readShared(key).flatMap(hit -> hit != null
                ? Uni.createFrom().item(new Loaded(hit, Source.SHARED))
                : lockOrWait(key, upstream, deadline, false));
    }

    private Uni<Loaded> lockOrWait(LeadKey key, Supplier<Uni<Fetched>> upstream, long deadline, boolean waited) {
        if (!tier.shared()) {
            return upstream.get().map(fetched -> new Loaded(fetched, Source.UPSTREAM));
        }
        return flight.tryLock(key)
                .onFailure(RedisUnavailableException.class).recoverWithItem(NO_REDIS)
                .flatMap(token -> {
                    if (token == NO_REDIS) {
                        return upstream.get().map(fetched -> new Loaded(fetched, Source.UPSTREAM));
                    }
                    if (token != null) {
                        return asHolder(key, token, upstream, waited);
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        return fetchAndShare(key, upstream);
                    }
                    return flight.pause().chain(() -> readShared(key)).flatMap(hit -> hit != null
                            ? Uni.createFrom().item(new Loaded(hit, Source.SHARED_AFTER_WAIT))
                            : lockOrWait(key, upstream, deadline, true));
                });
    }

    /** Holding the lock: look once more (the previous holder may just have shared it), else fetch. */
    private Uni<Loaded> asHolder(LeadKey key, String token, Supplier<Uni<Fetched>> upstream, boolean waited) {
        return readShared(key)
                .flatMap(hit -> hit != null
                        ? Uni.createFrom().item(new Loaded(hit, waited ? Source.SHARED_AFTER_WAIT : Source.SHARED))
                        : fetchAndShare(key, upstream))
                .onItemOrFailure().call(() -> flight.release(key, token));
    }

    /** Fetches from Coldsend and shares the answer before the lock is released, so waiters find it. */
    private Uni<Loaded> fetchAndShare(LeadKey key, Supplier<Uni<Fetched>> upstream) {
        return upstream.get().flatMap(fetched -> {
            long fetchedAt = System.currentTimeMillis();
            return store.write(key, fetched, fetchedAt)
                    .onFailure().recoverWithNull()
                    .replaceWith(new Loaded(fetched, Source.UPSTREAM));
        });
    }

    /** The shared copy, or null when there is none or Redis does not answer. */
    private Uni<Fetched> readShared(LeadKey key) {
        return store.read(key).onFailure(RedisUnavailableException.class).recoverWithNull();
    }
}
