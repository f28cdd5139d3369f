package dev.coldsendproxy.quota;

import dev.coldsendproxy.cluster.RedisUnavailableException;
import dev.coldsendproxy.cluster.RedisKeys;
import dev.coldsendproxy.cluster.RedisTier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The Coldsend key's budget for all replicas together: the minute and hour windows and each
 * consumer's share of them live in Redis as sorted sets of send times, and one Lua script trims,
 * counts and adds in a single atomic step, so the replicas together never exceed
 * {@code coldsend.quota.per-minute} / {@code per-hour}. Time is Redis's own ({@code TIME}), so
 * replicas with skewed clocks still agree on the windows.
 */
@ApplicationScoped
public class SharedQuota {

    /**
     * KEYS: global minute, global hour, consumer minute, consumer hour, sequence.
     * ARGV: limits in the same order. Returns {granted 1|0, wait millis, 1 = key budget | 2 = share}.
     */
    private static final String ACQUIRE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local spans = {60000, 3600000, 60000, 3600000}
            local worst, scope = 0, 0
            for i = 1, 4 do
              local limit = tonumber(ARGV[i])
              redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - spans[i])
              local n = redis.call('ZCARD', KEYS[i])
              if n >= limit then
                local oldest = redis.call('ZRANGE', KEYS[i], n - limit, n - limit, 'WITHSCORES')
                local wait = tonumber(oldest[2]) + spans[i] - now
                if wait < 1 then wait = 1 end
                if wait > worst then worst = wait end
                if scope == 0 then scope = (i <= 2) and 1 or 2 end
              end
            end
            if worst > 0 then return {0, worst, scope} end
            local member = now .. '-' .. redis.call('INCR', KEYS[5])
            for i = 1, 4 do
              redis.call('ZADD', KEYS[i], now, member)
              redis.call('PEXPIRE', KEYS[i], spans[i])
            end
            return {1, 0, 0}""";

    private final RedisTier tier;
    private final int perMinute;
    private final int perHour;

    SharedQuota(RedisTier tier, QuotaConfig quota) {
        this.tier = tier;
        this.perMinute = quota.perMinute();
        this.perHour = quota.perHour();
    }

    /**
     * Spends one upstream request from the shared budget for {@code consumer} (a name, never a key)
     * whose {@code share} (0..1] caps it in each window; a grant is counted at once.
     *
     * @return the decision; fails with {@link RedisUnavailableException} when Redis does not answer
     */
    public Uni<Decision> tryAcquire(String consumer, double share) {
        RedisKeys keys = tier.keys();
        return tier.call(ds -> ds.execute(Command.EVAL, ACQUIRE, "5",
                keys.quotaWindow("m"), keys.quotaWindow("h"),
                keys.consumerWindow(consumer, "m"), keys.consumerWindow(consumer, "h"), keys.quotaSequence(),
                Integer.toString(perMinute), Integer.toString(perHour),
                Integer.toString(shareOf(share, perMinute)), Integer.toString(shareOf(share, perHour))))
                .map(SharedQuota::decision);
    }

    /** The same rounding as the local governor: a share never rounds down to nothing. */
    static int shareOf(double share, int limit) {
        return Math.max(1, (int) Math.floor(share * limit));
    }

    private static Decision decision(Response answer) {
        if (answer.get(0).toInteger() == 1) {
            return Decision.GRANTED;
        }
        long waitMillis = answer.get(1).toLong();
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        String reason = answer.get(2).toInteger() == 2
                ? "your share of the proxy's Coldsend budget is spent"
                : "the proxy's Coldsend budget is spent";
        return new Decision(false, reason, seconds);
    }

    /** The shared budget's answer: granted, or refused with a reason and whole seconds to wait. */
    public record Decision(boolean granted, String reason, long retryAfterSeconds) {
        static final Decision GRANTED = new Decision(true, null, 0);
    }
}
