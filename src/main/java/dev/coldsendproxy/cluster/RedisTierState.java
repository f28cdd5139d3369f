package dev.coldsendproxy.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this replica currently works with the shared Redis tier or alone, for routing decisions,
 * health data and metrics. Redis trouble flips it to local-only; the next answer from Redis flips
 * it back. Never consulted for readiness: an optional tier must not take pods out of rotation.
 */
@ApplicationScoped
public class RedisTierState {

    private static final Logger LOG = Logger.getLogger(RedisTierState.class);

    /** The replica's mode of operation. */
    public enum Mode {
        /** {@code proxy.redis.enabled=false}: Caffeine and the local governor only, by configuration. */
        DISABLED,
        /** Cache, single flight, quota and purges shared with the other replicas through Redis. */
        SHARED,
        /** Redis is enabled but unreachable: own cache and a conservative local share of the quota. */
        LOCAL_ONLY
    }

    private final List<Runnable> onShared = new CopyOnWriteArrayList<>();
    private final AtomicLong fallbacks = new AtomicLong();
    private volatile Mode mode = Mode.DISABLED;
    private volatile Instant since = Instant.now();
    private volatile String lastProblem = "";

    /** The current mode; cheap enough for every request. */
    public Mode mode() {
        return mode;
    }

    /** Whether requests should use Redis now. */
    public boolean shared() {
        return mode == Mode.SHARED;
    }

    /** When the current mode began, for health data. */
    public Instant since() {
        return since;
    }

    /** Why the replica last fell back to local-only (an exception's class and message), or empty. */
    public String lastProblem() {
        return lastProblem;
    }

    /** How many times this replica has fallen back to local-only since it started, for metrics. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /**
     * Health data for a SmallRye Health check or an admin endpoint: mode, since and last problem.
     * Meant for a liveness-neutral, informational check (never readiness).
     */
    public Map<String, Object> healthData() {
        return Map.of("mode", mode.name(), "since", since.toString(),
                "fallbacks", fallbacks.get(), "lastProblem", lastProblem);
    }

    /** Runs {@code listener} on every return to shared mode, and now if already shared. */
    public void onShared(Runnable listener) {
        onShared.add(listener);
        if (mode == Mode.SHARED) {
            listener.run();
        }
    }

    /** Redis answered: back to (or still in) shared mode. */
    void redisAnswered() {
        if (mode == Mode.SHARED) {
            return;
        }
        synchronized (this) {
            if (mode == Mode.SHARED) {
                return;
            }
            set(Mode.SHARED);
            LOG.info("Redis tier answers: shared mode (cache, single flight, quota, purges shared with other replicas)");
        }
        onShared.forEach(Runnable::run);
    }

    /** The tier is enabled but has not answered yet: local-only, without counting it as a fallback. */
    synchronized void connecting() {
        set(Mode.LOCAL_ONLY);
    }

    /** A Redis command failed or timed out: local-only until Redis answers again. */
    void redisFailed(Throwable problem) {
        lastProblem = problem.getClass().getSimpleName() + (problem.getMessage() == null ? "" : ": " + problem.getMessage());
        if (mode == Mode.LOCAL_ONLY) {
            return;
        }
        synchronized (this) {
            if (mode == Mode.LOCAL_ONLY) {
                return;
            }
            set(Mode.LOCAL_ONLY);
            fallbacks.incrementAndGet();
        }
        LOG.warnf("Redis tier unavailable (%s): this replica runs local-only (own cache; it spends only units it had leased)",
                lastProblem);
    }

    private void set(Mode next) {
        mode = next;
        since = Instant.now();
    }
}
