package dev.coldsendproxy.cache;

import dev.coldsendproxy.cluster.RedisUnavailableException;
import dev.coldsendproxy.cluster.RedisTier;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The shared (L2) copy of each answer in Redis, under every replica's Caffeine (L1): the
 * upstream's bytes with their status and wall-clock fetch time, kept only while fresh, so a lead
 * fetched by one replica is a hit on every other with its true {@code Age}. An L1 copy made from
 * it keeps the original fetch time, so L1 is never fresh for longer than L2.
 *
 * <p>Value layout: 8 bytes fetch time (epoch millis), 4 bytes status, then the body as Coldsend sent it.
 */
@ApplicationScoped
public class SharedLeadStore {

    private static final int HEADER_BYTES = Long.BYTES + Integer.BYTES;

    private final RedisTier tier;
    private final long ttlMillis;
    private final long notFoundTtlMillis;

    SharedLeadStore(RedisTier tier, CacheConfig cache) {
        this.tier = tier;
        this.ttlMillis = cache.ttl().toMillis();
        this.notFoundTtlMillis = cache.notFoundTtl().toMillis();
    }

    /**
     * The shared fresh copy of a lead, or a null item when there is none.
     *
     * @return fails with {@link RedisUnavailableException} when Redis does not answer in time
     */
    public Uni<Fetched> read(LeadKey key) {
        return tier.call(ds -> ds.value(String.class, byte[].class).get(tier.keys().lead(key.campaignId(), key.leadId())))
                .map(this::decode);
    }

    /** Stores a fresh upstream answer for the other replicas, expiring when its freshness ends. */
    public Uni<Void> write(LeadKey key, Fetched fetched, long fetchedAtEpochMillis) {
        long ageMillis = Math.max(0, System.currentTimeMillis() - fetchedAtEpochMillis)
                + TimeUnit.NANOSECONDS.toMillis(fetched.ageNanos());
        long leftMillis = freshMillis(fetched.status()) - ageMillis;
        if (leftMillis <= 0) {
            return Uni.createFrom().voidItem();
        }
        byte[] value = ByteBuffer.allocate(HEADER_BYTES + fetched.body().length)
                .putLong(fetchedAtEpochMillis - TimeUnit.NANOSECONDS.toMillis(fetched.ageNanos()))
                .putInt(fetched.status()).put(fetched.body()).array();
        return tier.call(ds -> ds.value(String.class, byte[].class)
                .set(tier.keys().lead(key.campaignId(), key.leadId()), value, new SetArgs().px(leftMillis)));
    }

    /** Removes one lead's shared copy. */
    Uni<Void> delete(LeadKey key) {
        return tier.call(ds -> ds.key().del(tier.keys().lead(key.campaignId(), key.leadId()))).replaceWithVoid();
    }

    /** Removes every shared copy of one campaign's leads (SCAN + DEL: operator work, not per request). */
    Uni<Integer> deleteCampaign(String campaignId) {
        return deleteMatching(tier.keys().campaignPattern(campaignId));
    }

    /** Removes every shared lead copy. */
    Uni<Integer> deleteAll() {
        return deleteMatching(tier.keys().allLeadsPattern());
    }

    private Uni<Integer> deleteMatching(String pattern) {
        return tier.callSlow(ds -> ds.key().scan(new KeyScanArgs().match(pattern).count(500)).toMulti()
                .collect().asList()
                .flatMap((List<String> found) -> found.isEmpty() ? Uni.createFrom().item(0)
                        : ds.key().del(found.toArray(String[]::new))));
    }

    private Fetched decode(byte[] value) {
        if (value == null || value.length < HEADER_BYTES) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        long fetchedAt = buffer.getLong();
        int status = buffer.getInt();
        long ageMillis = Math.max(0, System.currentTimeMillis() - fetchedAt);
        if (ageMillis >= freshMillis(status)) {
            return null;
        }
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        return new Fetched(status, body, TimeUnit.MILLISECONDS.toNanos(ageMillis));
    }

    private long freshMillis(int status) {
        return status == 200 ? ttlMillis : notFoundTtlMillis;
    }
}
