package dev.coldsendproxy.quota;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.cluster.RedisTier;
import dev.coldsendproxy.cluster.RedisTierConfig;
import dev.coldsendproxy.consumer.Consumer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The budget all replicas share through Redis, as this replica takes part in it: leases per
 * attempt ({@link Leases}), a read of the shared state once per {@code proxy.redis.probe-interval}
 * that every consumer's {@code RateLimit-*} headers, budget-low and Coldsend's holds are judged on
 * ({@link QuotaGovernor#adopt}), and leases given back when the replica stops.
 */
@ApplicationScoped
public class ClusterQuota {

    private static final Logger LOG = Logger.getLogger(ClusterQuota.class);

    private final QuotaGovernor governor;
    private final Ticker ticker;
    private final Vertx vertx;
    private final Duration probeInterval;
    private final Leases leases;
    /** Probes without an answer after which the other replicas count one as cut off from Redis. */
    static final int SILENT_AFTER_PROBES = 10;
    /**
     * A host suspended for a while (its monotonic clock stopped, Redis's ran on) looks to its next
     * script like a forward step of Redis's clock: undone, it makes every record of contact look
     * younger by as much. A local-only allowance opens this much later, so such a pause up to it
     * never makes the others hold a cut-off replica's share back late.
     */
    static final Duration SUSPENSION_MARGIN = Duration.ofMinutes(5);
    /** The name spare-budget refreshes lease under. */
    private static final String SPARE = "spare-refresh";
    private final Map<String, LeaseLedger.ShareLimits> seen = new ConcurrentHashMap<>();
    private long timer = -1;
    /** Replicas away at the last read, for which the leases hold a share of the key back. */
    private final AtomicInteger replicasAway = new AtomicInteger();

    /**
     * {@code inFlight}: how long after passing its gate a request may still reach Coldsend; a
     * leased unit is counted this much past its lease.
     */
    ClusterQuota(RedisTier tier, RedisTierConfig redis, QuotaConfig quota, InFlight inFlight, QuotaGovernor governor,
            Ticker ticker, Vertx vertx) {
        this.governor = governor;
        this.ticker = ticker;
        this.vertx = vertx;
        this.probeInterval = redis.probeInterval();
        if (!tier.enabled()) {
            this.leases = null;
            return;
        }
        int perMinute = quota.perMinute();
        int perHour = quota.perHour();
        long leaseTtl = redis.leaseTtl().toNanos();
        String replica = UUID.randomUUID().toString();
        // Redis's clock is judged against this process's own, which never steps (not the budget's
        // Ticker, which tests move by hand while Redis's clock runs on).
        // Ten probes without an answer: a replica is cut off, and the others hold its share back.
        Duration silentAfter = redis.probeInterval().multipliedBy(SILENT_AFTER_PROBES);
        LeaseLedger ledger = new LeaseLedger(tier, tier.keys(), new LeaseLedger.Settings(perMinute, perHour,
                redis.leaseTtl().plus(inFlight.longest()).toMillis(), redis.rebuildWait().toMillis(), redis.expectedReplicas(),
                redis.probeInterval().plus(redis.timeout()).toMillis(), silentAfter.toMillis()),
                replica, () -> System.nanoTime() / 1_000_000L, /* clockOverride= */ null);
        // Silent this long past a full window, no unit leased before can still be in it: the last
        // lease's life and its in-flight time, one missed probe and one command timeout. And the
        // others have held this replica's share back for a full window: their silent-after too,
        // and the margin for a suspended host.
        long settle = leaseTtl + inFlight.longest().toNanos() + redis.probeInterval().toNanos() + redis.timeout().toNanos()
                + silentAfter.toNanos() + SUSPENSION_MARGIN.toNanos();
        this.leases = new Leases(ledger, ticker, tier::shared, replica, perMinute, perHour,
                redis.expectedReplicas(), leaseTtl, redis.leaseMax(), settle, inFlight.longest().toNanos());
    }

    void start(@Observes StartupEvent event, MeterRegistry registry) {
        // Also without the tier (0), as proxy_redis_tier_* are: the alert reads it on every pod.
        Gauge.builder("proxy.quota.replicas.away", replicasAway, AtomicInteger::get)
                .description("expected replicas not heard from in Redis lately (perhaps cut off and spending on their own),"
                        + " whose share of the key every lease holds back")
                .register(registry);
        if (leases == null) {
            return;
        }
        units(registry, "leased", Leases.Counters::leased, "units Redis leased to this replica");
        units(registry, "sent", Leases.Counters::sent, "requests this replica sent under the shared budget");
        units(registry, "given_back", Leases.Counters::givenBack, "leased units given back unspent");
        units(registry, "stranded", Leases.Counters::stranded, "leased units neither sent nor given back");
        units(registry, "unanswered", Leases.Counters::unanswered,
                "units asked for in lease requests Redis did not answer in time (perhaps granted, never used)");
        // A first read at once: this replica's settling time in Redis starts now, not at its first miss.
        refresh();
        timer = vertx.setPeriodic(probeInterval.toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (leases == null) {
            return;
        }
        vertx.cancelTimer(timer);
        try {
            leases.giveBackAll().await().atMost(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            LOG.debugf("leases not given back on shutdown: %s", e.getMessage());
        }
    }

    /** Whether the budget is shared through Redis (the tier is enabled). */
    public boolean enabled() {
        return leases != null;
    }

    /**
     * Leases one unit for {@code consumer}; the item says whether the attempt may go out now. Its
     * guarantee is no cap: the key's limits, less what other consumers' guarantees keep from it
     * ({@link QuotaGovernor#clusterRoom}), bound it in the script. A refusal below its guarantee
     * gives it first claim on freed units.
     */
    Uni<Grant> acquire(Consumer consumer) {
        int minuteLimit = governor.minuteLimit();
        int hourLimit = governor.hourLimit();
        seen.put(consumer.name(), new LeaseLedger.ShareLimits(consumer.name(),
                Units.shareOf(consumer.share(), minuteLimit), Units.shareOf(consumer.share(), hourLimit)));
        Grant paced = governor.paceRefusal(consumer);
        if (paced != null) {
            return Uni.createFrom().item(paced);
        }
        int[] room = governor.clusterRoom(consumer);
        LeaseLedger.ShareLimits uncapped = new LeaseLedger.ShareLimits(consumer.name(), minuteLimit, hourLimit);
        return leases.acquire(uncapped, Math.max(0, room[0]), Math.max(0, room[1])).invoke(grant -> {
            if (!grant.granted() && !grant.upstreamOverloaded()) {
                governor.claimIfBelowGuarantee(consumer, grant);
            }
        });
    }

    /**
     * Leases one unit for a spare-budget refresh: only from units no consumer's guarantee keeps
     * ({@link QuotaGovernor#clusterRoomForSpare}), counted under its own name in Redis.
     */
    Uni<Grant> acquireSpare() {
        int[] room = governor.clusterRoomForSpare();
        if (room[0] <= 0 || room[1] <= 0) {
            return Uni.createFrom().item(Grant.refused("no spare budget", Units.MINUTE));
        }
        return leases.acquire(new LeaseLedger.ShareLimits(SPARE, governor.minuteLimit(), governor.hourLimit()), room[0],
                room[1]);
    }

    /** Passes a pause Coldsend asked for ({@code pauseNanos}, 0 for none) on to every replica. */
    void shareHold(long pauseNanos, int status) {
        if (pauseNanos > 0) {
            leases.shareHold(Math.max(1, pauseNanos / 1_000_000L), status).subscribe().with(done -> {
            });
        }
    }

    /** The counters of this replica's leases. */
    public Leases.Counters counters() {
        return leases.counters();
    }

    private void refresh() {
        List<LeaseLedger.ShareLimits> shares = List.copyOf(seen.values());
        long readAt = ticker.read();
        leases.refresh(shares).subscribe().with(status -> {
            if (status != null) {
                replicasAway.set(status.replicasAway());
                governor.adopt(new SharedView(status, shares, governor.minuteLimit(), governor.hourLimit(), readAt,
                        3 * probeInterval.toNanos()));
            }
        }, failure -> LOG.debugf("shared budget not read: %s", failure.getMessage()));
    }

    private void units(MeterRegistry registry, String state, ToDoubleFunction<Leases.Counters> value, String description) {
        FunctionCounter.builder("proxy.quota.lease.units", leases.counters(), value)
                .tag("state", state).description(description).register(registry);
    }
}
