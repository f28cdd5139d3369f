package dev.coldsendproxy.lead;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.coldsendproxy.cache.CacheConfig;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.Fetched;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.cache.TieredLoader;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.error.ProblemException;
import dev.coldsendproxy.quota.BudgetWaits;
import dev.coldsendproxy.quota.QuotaGates;
import dev.coldsendproxy.quota.QuotaGovernor;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.ColdsendClient;
import io.smallrye.mutiny.Uni;

import jakarta.inject.Singleton;

/**
 * The lead route's orchestration: answer from the cache when it can, otherwise go upstream once
 * per lead (coalesced, paid from the caller's quota share), and fall back to a stale copy when
 * Coldsend fails. Fallbacks sit here, above the cache, so a fallback is never cached as fresh.
 *
 * <p>{@code @Singleton}, not {@code @ApplicationScoped}: a fresh hit calls it, and a client proxy's
 * context lookup on every call was 2 % of the event loop's busy time (docs/benchmarks.md).
 */
@Singleton
public class LeadService {

    /** RFC 9111 §5.2.1.7: {@code only-if-cached} with no usable copy is a 504, and Coldsend is not asked. */
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long ONE_HOUR = TimeUnit.HOURS.toNanos(1);
    private static final ProblemException NOT_CACHED = new ProblemException(504, "Gateway timeout: you asked for a"
            + " cached answer only (Cache-Control: only-if-cached), and the proxy holds no copy of this lead within the"
            + " age you accept. Ask without only-if-cached to have it fetched.");

    private final LeadCache cache;
    private final ColdsendClient upstream;
    private final QuotaGovernor quota;
    private final UpstreamFailures failures;
    private final boolean refreshAhead;
    private final LeadTelemetry telemetry;
    private final TieredLoader tiers;
    private final QuotaGates gates;
    private final BudgetWaits waits;

    LeadService(LeadCache cache, ColdsendClient upstream, QuotaGovernor quota, CacheConfig cacheConfig,
            LeadTelemetry telemetry, TieredLoader tiers, QuotaGates gates, BudgetWaits waits) {
        this.cache = cache;
        this.upstream = upstream;
        this.quota = quota;
        this.failures = new UpstreamFailures(upstream);
        this.refreshAhead = cacheConfig.refreshAhead();
        this.telemetry = telemetry;
        this.tiers = tiers;
        this.gates = gates;
        this.waits = waits;
    }

    /** The stored answer if it is fresh enough for the caller, else null: the allocation-free fast path of the route. */
    CachedLead freshOrNull(LeadKey key, RequestDirectives asked, long now) {
        CachedLead stored = cache.peek(key);
        if (stored != null && freshEnough(stored, asked, now)) {
            stored.asked();
            return stored;
        }
        return null;
    }

    /** Whether {@code stored} is fresh at {@code now} within the caller's {@code max-age} and {@code min-fresh}. */
    private boolean freshEnough(CachedLead stored, RequestDirectives asked, long now) {
        return asked.acceptsFresh(now - stored.fetchedAtNanos(), cache.freshFor(stored, now));
    }

    /** Whole seconds at {@code now} since Coldsend produced this answer. */
    long ageSeconds(CachedLead lead, long now) {
        return cache.ageSeconds(lead, now);
    }

    /** The clock of TTLs, ages and quota windows; the fast path reads it once per hit. */
    long now() {
        return cache.now();
    }

    /**
     * Answers one lead request that the fast path could not answer. A revalidating request
     * ({@code Cache-Control: no-cache}) skips the stored copy and joins or starts an upstream load.
     * A copy that is not fresh enough for the caller stands in when the caller tolerates its
     * staleness ({@link #tolerated}) and no fresh answer should or can be bought: the budget is low,
     * the caller asked {@code only-if-cached}, or Coldsend failed.
     */
    Uni<LeadReply> fetch(LeadKey key, Consumer consumer, RequestTrace trace) {
        RequestDirectives asked = trace.directives();
        CachedLead stored = asked.noCache() ? null : cache.peek(key);
        if (stored != null) {
            if (freshEnough(stored, asked, cache.now())) {
                return Uni.createFrom().item(reply(stored, CacheOutcome.HIT));
            }
            if (tolerated(stored, asked, consumer)) {
                if (asked.onlyIfCached() || quota.budgetLow()) {
                    return Uni.createFrom().item(reply(stored, CacheOutcome.STALE));
                }
                if (refreshAhead) {
                    cache.load(key, stored, () -> loadFromUpstream(key, consumer, trace, new AtomicReference<>(),
                            /* cold= */ false, /* demand= */ 0));
                    return Uni.createFrom().item(reply(stored, CacheOutcome.STALE));
                }
            }
        }
        if (asked.onlyIfCached()) {
            return Uni.createFrom().failure(NOT_CACHED);
        }
        CachedLead seen = asked.noCache() ? cache.peek(key) : stored;
        // Cold: no copy this caller could be answered with, even were Coldsend to fail.
        boolean cold = seen == null || !tolerated(seen, asked, consumer);
        long demand = seen == null ? 0 : demand(seen);
        AtomicReference<TieredLoader.Source> source = new AtomicReference<>();
        LeadCache.Load load = cache.load(key, seen, () -> loadFromUpstream(key, consumer, trace, source, cold, demand));
        return Uni.createFrom().completionStage(load.result())
                .map(lead -> reply(lead, outcome(load.leader(), source.get())))
                .onFailure().recoverWithUni(failure -> seen != null && tolerated(seen, asked, consumer)
                        ? Uni.createFrom().item(reply(seen, CacheOutcome.STALE))
                        : Uni.createFrom().failure(failures.toProblem(failure)));
    }

    /**
     * Whether the caller takes {@code stored} now although it is not fresh enough: within its
     * {@code max-stale}, else its consumer's {@code max-stale}, else {@code proxy.cache.stale-if-error}.
     */
    private boolean tolerated(CachedLead stored, RequestDirectives asked, Consumer consumer) {
        long now = cache.now();
        long otherwise = consumer.maxStaleNanos() != Consumer.NO_MAX_STALE ? consumer.maxStaleNanos()
                : cache.staleIfErrorNanos();
        return asked.acceptsStale(now - stored.fetchedAtNanos(), -cache.freshFor(stored, now), otherwise);
    }

    /**
     * How much a lead is asked for, from its last copy: asks it answered an hour since it was
     * fetched. When units are contested, a cold ask for a much-asked lead is served first
     * ({@link QuotaGates#admit}): the copy it fetches answers more asks for the same unit.
     */
    private long demand(CachedLead copy) {
        long age = Math.max(ONE_SECOND, cache.now() - copy.fetchedAtNanos());
        return (long) (copy.asks() * (double) ONE_HOUR / age);
    }

    /**
     * {@code cold}: no copy the caller would take stands in, so its attempts are cold demand;
     * {@code demand}: asks an hour for the lead, which orders waits for a unit.
     */
    private CompletionStage<Fetched> loadFromUpstream(LeadKey key, Consumer consumer, RequestTrace trace,
            AtomicReference<TieredLoader.Source> source, boolean cold, long demand) {
        return tiers.load(key, /* skipShared= */ trace.revalidate(), () -> gates
                .admit(consumer, cold, cold ? waits.allowedWait(trace.preferredWaitNanos()) : 0, demand)
                .chain(gate -> upstream.fetchLead(key.campaignId(), key.leadId(), trace.requestId(),
                        trace.watch(gate, telemetry)))
                .map(answer -> new Fetched(answer.status(), answer.body())))
                .invoke(loaded -> source.set(loaded.source()))
                .map(TieredLoader.Loaded::fetched)
                .subscribeAsCompletionStage();
    }

    /** A copy another replica had already shared is a hit; one this replica waited for is coalesced. */
    private static CacheOutcome outcome(boolean leader, TieredLoader.Source source) {
        if (!leader || source == TieredLoader.Source.SHARED_AFTER_WAIT) {
            return CacheOutcome.COALESCED;
        }
        return source == TieredLoader.Source.SHARED ? CacheOutcome.HIT : CacheOutcome.MISS;
    }

    /**
     * Refreshes {@code stored} (fresh, about to expire) paid from budget that would otherwise go
     * unused ({@link QuotaGates#forSpare()}); nothing happens when no such unit is free. Joins a
     * load already running for the lead.
     */
    void refreshWithSpare(LeadKey key, CachedLead stored, AttemptGate spare) {
        String requestId = RequestIds.acceptOrCreate(null);
        cache.load(key, stored, () -> tiers.load(key, /* skipShared= */ false, () -> upstream.fetchLead(key.campaignId(),
                key.leadId(), requestId, spare).map(answer -> new Fetched(answer.status(), answer.body())))
                .map(TieredLoader.Loaded::fetched)
                .subscribeAsCompletionStage());
    }

    private LeadReply reply(CachedLead lead, CacheOutcome outcome) {
        if (outcome == CacheOutcome.HIT || outcome == CacheOutcome.STALE) {
            lead.asked();
        }
        return new LeadReply(lead, outcome, cache.ageSeconds(lead));
    }
}
