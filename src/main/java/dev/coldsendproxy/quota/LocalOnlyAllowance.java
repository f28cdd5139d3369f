package dev.coldsendproxy.quota;

import dev.coldsendproxy.cluster.RedisTierConfig;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;


import jakarta.enterprise.context.ApplicationScoped;

/**
 * This replica's conservative part of the key's budget while Redis is unreachable:
 * {@code per-minute / expected-replicas} and {@code per-hour / expected-replicas} (at least 1), so
 * that the expected number of replicas, each alone, still stays within the key's limits. Counts
 * only requests sent while local-only; the windows are exact sliding logs of send times.
 */
@ApplicationScoped
public class LocalOnlyAllowance {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final Ticker ticker;
    private final int perMinute;
    private final int perHour;
    private final ArrayDeque<Long> minute = new ArrayDeque<>();
    private final ArrayDeque<Long> hour = new ArrayDeque<>();

    LocalOnlyAllowance(Ticker ticker, QuotaConfig quota, RedisTierConfig config) {
        this.ticker = ticker;
        int replicas = Math.max(1, config.expectedReplicas());
        this.perMinute = Math.max(1, quota.perMinute() / replicas);
        this.perHour = Math.max(1, quota.perHour() / replicas);
    }

    /**
     * Spends one request of this replica's local-only share.
     *
     * @return 0 when granted, else whole seconds (at least 1) until one frees up
     */
    public synchronized long tryAcquire() {
        long now = ticker.read();
        evict(minute, now, MINUTE);
        evict(hour, now, HOUR);
        long wait = 0;
        if (minute.size() >= perMinute) {
            wait = Math.max(wait, minute.peekFirst() + MINUTE - now);
        }
        if (hour.size() >= perHour) {
            wait = Math.max(wait, hour.peekFirst() + HOUR - now);
        }
        if (wait > 0) {
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L));
        }
        minute.addLast(now);
        hour.addLast(now);
        return 0;
    }

    /** Requests this replica may send per minute while local-only. */
    public int perMinute() {
        return perMinute;
    }

    private static void evict(ArrayDeque<Long> log, long now, long window) {
        while (!log.isEmpty() && now - log.peekFirst() >= window) {
            log.removeFirst();
        }
    }
}
