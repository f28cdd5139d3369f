package dev.coldsendproxy.cache;

import dev.coldsendproxy.cluster.RedisUnavailableException;
import dev.coldsendproxy.cluster.RedisTierConfig;
import dev.coldsendproxy.cluster.RedisTier;
import java.time.Duration;
import java.util.UUID;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * A cluster-wide "I am fetching this lead" lock, so that one replica asks Coldsend for a cold lead
 * while the others wait for the shared copy. The lock is {@code SET NX PX lock-ttl}: should its
 * holder die mid-fetch, it expires on its own; waiters give up after {@code lock-wait} and fetch
 * themselves, so a lost lock costs at most one extra upstream request per replica, never an error.
 */
@ApplicationScoped
public class ClusterSingleFlight {

    /** Deletes the lock only if this replica's token still holds it (it may have expired and moved on). */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final RedisTier tier;
    private final String lockTtlMillis;
    private final Duration wait;
    private final Duration poll;

    ClusterSingleFlight(RedisTier tier, RedisTierConfig config) {
        this.tier = tier;
        this.lockTtlMillis = Long.toString(config.lockTtl().toMillis());
        this.wait = config.lockWait();
        this.poll = config.lockPoll();
    }

    /**
     * Tries to become the one replica fetching {@code key}.
     *
     * @return this holder's token, or a null item when another replica holds the lock; fails with
     *         {@link RedisUnavailableException} when Redis does not answer
     */
    public Uni<String> tryLock(LeadKey key) {
        String token = UUID.randomUUID().toString();
        return tier.call(ds -> ds.execute("SET", tier.keys().lock(key.campaignId(), key.leadId()), token, "NX", "PX", lockTtlMillis))
                .map(answer -> answer != null && "OK".equals(answer.toString()) ? token : null);
    }

    /** Lets the next replica fetch at once instead of waiting for the expiry; errors are ignored. */
    public Uni<Void> release(LeadKey key, String token) {
        return tier.call(ds -> ds.execute(Command.EVAL, RELEASE, "1", tier.keys().lock(key.campaignId(), key.leadId()), token))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** Longest a replica waits for another's fetch before it fetches itself ({@code proxy.redis.lock-wait}). */
    public Duration maxWait() {
        return wait;
    }

    /** One pause between looks at the shared copy; never blocks a thread. */
    public Uni<Void> pause() {
        return Uni.createFrom().voidItem().onItem().delayIt().by(poll);
    }
}
