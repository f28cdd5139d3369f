package dev.coldsendproxy.quota;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.cluster.RedisTierConfig;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.consumer.ConsumerRegistry;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Spends the one Coldsend key's budget: never more than the per-minute and per-hour limits in
 * any window, and Coldsend's own rate-limit headers taken as the truth (another system may spend
 * the same key). Each consumer's share of both windows is its guarantee; what idle consumers
 * leave unspent is lent (weighted max-min), except each one's holdback, and a consumer refused
 * below its guarantee has first claim on units as they free ({@link ConsumerWindows}). Only
 * upstream attempts pass through here; cache hits and coalesced waiters never do.
 *
 * <p>All mutation is under one monitor: it is taken only on the way to the upstream, at most a
 * hundred times a minute, never on a cache hit.
 *
 * <p>{@code @Singleton}, not {@code @ApplicationScoped}: a fresh hit calls it, and a client proxy's
 * context lookup on every call was 2 % of the event loop's busy time (docs/benchmarks.md).
 */
@Singleton
public class QuotaGovernor {

    private static final long MINUTE = Units.MINUTE;
    private static final long HOUR = Units.HOUR;
    /** How long to hold off when Coldsend says "no more" without saying until when. */
    private static final long DEFAULT_HOLD = MINUTE;

    private final Ticker ticker;
    private final int perMinute;
    private final int perHour;
    private final double lowBudgetRatio;
    private final SlidingLog minute;
    private final SlidingLog hour;
    /** Asks for leads with no copy at all in the last minute and hour: the demand refreshes must leave room for. */
    private final SlidingLog coldMinute;
    private final SlidingLog coldHour;
    private final double holdback;
    /** How long past a window the key's windows, and every consumer's, count a unit ({@link InFlight}). */
    private final long inFlightNanos;
    /** Spreads the hour for every consumer but critical ones, and for spare refreshes; {@link Pace#on() off} by default. */
    private final Pace pace;
    private final ConcurrentHashMap<String, ConsumerWindows> shares = new ConcurrentHashMap<>();
    /** The asker of spare-budget refreshes: background priority, no guarantee of its own. */
    private static final ConsumerWindows SPARE = new ConsumerWindows(
            new Consumer("spare-refresh", 0, Consumer.NO_MAX_STALE, dev.coldsendproxy.consumer.Priority.BACKGROUND), 1, 1, 0,
            Pace.OFF);
    private volatile long spareSent;

    private long holdUntil = Long.MIN_VALUE;
    private String holdReason = "";
    private boolean holdForOverload;
    /** What Coldsend said remains, less the units granted since: what this replica may still send. */
    private long upstreamRemaining = -1;
    /**
     * Coldsend's remaining counts read so far. A unit granted, then not sent at once, is in no count
     * read since its grant, and its own decrement of {@link #upstreamRemaining} may be lost in the
     * lower count Coldsend said since ({@link #countFromNow}).
     */
    private long countsRead;
    private long upstreamResetAt = Long.MIN_VALUE;
    /** Coldsend's {@code X-RateLimit-Reset} (Unix seconds) that {@link #upstreamRemaining} was counted for. */
    private long upstreamResetEpoch = Long.MIN_VALUE;
    /** What every replica spent, while the Redis tier is shared; null without it. */
    private volatile SharedView shared;
    /**
     * Coldsend's own {@code X-RateLimit-Limit} for the key, per window: its headers describe the
     * window that resets at {@code X-RateLimit-Reset}, the minute when that is within a minute (or
     * not said), else the hour. {@link Integer#MAX_VALUE} until Coldsend said.
     */
    private volatile int declaredMinute = Integer.MAX_VALUE;
    private volatile int declaredHour = Integer.MAX_VALUE;
    /** The limit Coldsend declared with its last remaining count, to judge that count against. */
    private int declaredWithRemaining = Integer.MAX_VALUE;
    /**
     * How long one request may be in flight while the process waits for Coldsend's first answer
     * ({@code proxy.quota.one-until-first-answer}); 0 once it came, or when the gate is off.
     */
    private long firstAnswerWait;
    /** While waiting for the first answer: when the request now in flight has surely ended. */
    private long firstAnswerDue = Long.MIN_VALUE;

    /**
     * Without the Redis tier the windows live in this process alone, so a new process knows nothing
     * of what the one before it sent: until Coldsend's first answer says what remains, one request
     * at a time goes out. With the tier, the shared windows outlive any replica.
     */
    @Inject
    QuotaGovernor(QuotaConfig config, SharingConfig sharing, ConsumerRegistry consumers, RedisTierConfig redis,
            InFlight inFlight, Ticker ticker) {
        this(config, sharing.holdback(), consumers.consumers(), inFlight.longest().toNanos(), sharing.paceWindow().toNanos(),
                redis.enabled() ? redis.expectedReplicas() : 1, ticker);
        if (sharing.oneUntilFirstAnswer() && !redis.enabled()) {
            this.firstAnswerWait = inFlight.longest().toNanos();
        }
    }

    /**
     * A governor that, like a new process without the Redis tier, sends one request at a time
     * until Coldsend's first answer, each counted as in flight for {@code inFlightNanos} (tests).
     */
    static QuotaGovernor waitingForFirstAnswer(QuotaConfig config, long inFlightNanos, Ticker ticker) {
        QuotaGovernor governor = new QuotaGovernor(config, ticker);
        governor.firstAnswerWait = inFlightNanos;
        return governor;
    }

    /** A governor with the default holdback that learns its consumers as they ask (tests). */
    QuotaGovernor(QuotaConfig config, Ticker ticker) {
        this(config, 0.1, List.of(), ticker);
    }

    /** As below, for sends that reach Coldsend the instant they are granted (tests). */
    QuotaGovernor(QuotaConfig config, double holdback, List<Consumer> consumers, Ticker ticker) {
        this(config, holdback, consumers, 0, ticker);
    }

    /**
     * {@code consumers}: every configured consumer, so that the holdbacks of those that never
     * asked yet are kept from the start. {@code inFlightNanos}: how long after its grant a send
     * may still reach Coldsend ({@link InFlight}), which counts it from then: the key's windows
     * count each unit that much longer than a window, so they never free it before Coldsend does.
     */
    QuotaGovernor(QuotaConfig config, double holdback, List<Consumer> consumers, long inFlightNanos, Ticker ticker) {
        this(config, holdback, consumers, inFlightNanos, 0, 1, ticker);
    }

    /**
     * As above, with the hour spread over windows of {@code paceWindowNanos} (0: not paced) for
     * every consumer but critical ones ({@link Pace}), this replica pacing {@code 1/paceReplicas} of it.
     */
    QuotaGovernor(QuotaConfig config, double holdback, List<Consumer> consumers, long inFlightNanos, long paceWindowNanos,
            int paceReplicas, Ticker ticker) {
        this.ticker = ticker;
        this.perMinute = atLeastOne("coldsend.quota.per-minute", config.perMinute());
        this.perHour = atLeastOne("coldsend.quota.per-hour", config.perHour());
        if (!(config.lowBudgetRatio() >= 0 && config.lowBudgetRatio() <= 1)) {
            throw new ConfigurationException(
                    "coldsend.quota.low-budget-ratio must be between 0 and 1 but was " + config.lowBudgetRatio());
        }
        this.lowBudgetRatio = config.lowBudgetRatio();
        this.minute = new SlidingLog(perMinute, MINUTE + inFlightNanos);
        this.hour = new SlidingLog(perHour, HOUR + inFlightNanos);
        this.coldMinute = new SlidingLog(perMinute, MINUTE);
        this.coldHour = new SlidingLog(perHour, HOUR);
        if (!(holdback >= 0 && holdback <= 1)) {
            throw new ConfigurationException("proxy.quota.holdback must be between 0 and 1 but was " + holdback);
        }
        this.holdback = holdback;
        this.inFlightNanos = inFlightNanos;
        this.pace = new Pace(paceWindowNanos, perHour, paceReplicas, inFlightNanos, holdback);
        consumers.forEach(this::share);
    }

    /** The governor's clock now, in nanoseconds: what its windows count sends by. */
    long now() {
        return ticker.read();
    }

    /** {@link #tryAcquire(Consumer, boolean)} for a consumer of normal priority known by name and share. */
    public Grant tryAcquire(String consumer, double share) {
        return tryAcquire(new Consumer(consumer, share), /* cold= */ false);
    }

    /** As {@link #tryAcquire(String, double)}, {@code cold} as in {@link #tryAcquire(Consumer, boolean)}. */
    public Grant tryAcquire(String consumer, double share, boolean cold) {
        return tryAcquire(new Consumer(consumer, share), cold);
    }

    /**
     * Asks for one upstream request on behalf of {@code consumer}; a granted request is counted at
     * once. {@code cold} when the lead has no copy at all, so the ask counts as demand that
     * refreshes of stale copies must leave room for ({@link #budgetLow()}), granted or not.
     */
    public synchronized Grant tryAcquire(Consumer consumer, boolean cold) {
        long now = ticker.read();
        if (cold) {
            coldAsk();
        }
        if (now < holdUntil) {
            return holdForOverload ? Grant.overloaded(holdReason, holdUntil - now) : Grant.refused(holdReason, holdUntil - now);
        }
        SharedView view = shared;
        if (view != null && view.valid(now) && now < view.holdUntil()) {
            return view.holdForOverload()
                    ? Grant.overloaded("Coldsend is overloaded and asked the proxy to retry later", view.holdUntil() - now)
                    : Grant.refused("Coldsend's rate limit for the proxy's key is exceeded", view.holdUntil() - now);
        }
        if (upstreamRemaining == 0 && now < upstreamResetAt) {
            return Grant.refused("Coldsend reports the key's rate limit is spent", upstreamResetAt - now);
        }
        if (awaitingFirstAnswer(now)) {
            return firstAnswerPending(now);
        }
        ConsumerWindows mine = share(consumer);
        long wait = Math.max(lendingWait(mine, /* hourWindow= */ false, now), lendingWait(mine, /* hourWindow= */ true, now));
        long paceWait = paceWait(mine, now);
        if (wait > 0 || paceWait > 0) {
            boolean borrowing = mine.borrowing(mine.minute.count(now), minuteLimit())
                    || mine.borrowing(mine.hour.count(now), hourLimit());
            if (wait > 0 && !borrowing) {
                // Told to come back when a unit frees: its claim holds that unit until then and a grace after.
                mine.claimUntil = now + wait + ConsumerWindows.CLAIM_NANOS;
            }
            claimPaceIfBelowGuarantee(mine, paceWait, now);
            if (paceWait >= wait) {
                return paceRefused(paceWait);
            }
            return Grant.refused(borrowing ? "your share of the proxy's Coldsend budget is spent, and no idle share"
                    + " can be lent now" : "the proxy's Coldsend budget is spent", wait);
        }
        boolean lent = mine.borrowing(mine.minute.count(now), minuteLimit()) || mine.borrowing(mine.hour.count(now), hourLimit());
        mine.record(now, lent);
        sent(now);
        return Grant.GRANTED;
    }

    /**
     * The governor's state read at once after a grant, on the granting thread: when, the
     * first-answer mark, and the last instant the unit may still go out late, counted from then
     * ({@link #countFromNow}).
     */
    record PaidMark(long at, long firstAnswerDue, long lateUntil, long countsRead) {
    }

    /**
     * Read right after a grant, under the monitor, for {@link #countFromNow}. {@code lateUntil}:
     * the last instant a send that starts late is still counted right by all that counts it.
     */
    synchronized PaidMark paidMark(long lateUntil) {
        return new PaidMark(ticker.read(), firstAnswerDue, lateUntil, countsRead);
    }

    /**
     * A unit paid for {@code consumer} just before {@code paid.at()} (read right after its grant) was
     * not sent, and its call goes out only now (it waited in the bulkhead's queue, or a fresh JVM
     * was slow to start it): counts that unit from now rather than paying another, so the send is
     * counted from when it leaves and no unit is wasted. Moves the newest unit counted at or before
     * {@code paid.at()} in each window ({@link SlidingLog#moveToNow}): that unit, or one granted
     * elsewhere in the instant between its grant and that reading, whose send is then counted from
     * that much earlier. False, and nothing moved, when the send may not go now: it is past
     * {@code paid.lateUntil()}, Coldsend asked to
     * wait or says none remain, a limit learned since is below what is counted, Coldsend's first
     * answer since start is awaited and another request is the one let out, or a window no longer
     * holds such a unit; the caller then pays as usual.
     */
    synchronized boolean countFromNow(Consumer consumer, PaidMark paid) {
        long now = ticker.read();
        long paidAt = paid.at();
        ConsumerWindows mine = shares.get(consumer.name());
        // While the first answer since start is awaited, only the unit that is the one let out may go.
        boolean anotherInFlight = awaitingFirstAnswer(now) && firstAnswerDue != paid.firstAnswerDue();
        // With no count read since its grant, the unit's decrement of Coldsend's count still stands
        // (a 0 may be its own). A count read since does not hold the unsent unit: it then needs a
        // unit of that count, like any new send (at worst one unit counted twice, the safe side).
        boolean countReadSince = countsRead != paid.countsRead();
        boolean noneLeft = countReadSince && upstreamRemaining == 0 && now < upstreamResetAt;
        if (now > paid.lateUntil() || askedToWait(now) || noneLeft || anotherInFlight || mine == null
                || minute.count(now) > minuteLimit() || hour.count(now) > hourLimit()) {
            return false;
        }
        List<SlidingLog> counting = pace.on() ? List.of(minute, hour, mine.minute, mine.hour, pace.log, mine.pace)
                : List.of(minute, hour, mine.minute, mine.hour);
        if (!counting.stream().allMatch(log -> log.countsOneAtOrBefore(paidAt, now))) {
            return false;
        }
        counting.forEach(log -> log.moveToNow(paidAt, now));
        dropViews();
        if (countReadSince) {
            takeFromColdsendsCount();
        }
        letOut(now);
        return true;
    }

    /**
     * Counts a unit granted at {@code now} in the key's windows and against what Coldsend said
     * remains, and lets it out (a consumer's grant has counted it in the consumer's windows first).
     */
    private void sent(long now) {
        minute.record(now);
        hour.record(now);
        pace.log.recordSaturating(now);
        dropViews();
        takeFromColdsendsCount();
        letOut(now);
    }

    /** One unit less of what Coldsend said remains; a 0 stays 0, and an unknown count (-1) stays unknown. */
    private void takeFromColdsendsCount() {
        if (upstreamRemaining > 0) {
            upstreamRemaining--;
        }
    }

    /** Drops every consumer's {@code RateLimit-*} view: a send or a limit changed what they say. */
    private void dropViews() {
        shares.values().forEach(each -> each.view = null);
    }

    /**
     * Whether Coldsend asked the key to wait (seen here, or by any replica as last read from
     * Redis), or said none remain until its reset.
     */
    private boolean heldByColdsend(long now) {
        return askedToWait(now) || (upstreamRemaining == 0 && now < upstreamResetAt);
    }

    /**
     * Until when no unit may go out whatever the windows hold (Coldsend asked the key to wait, or
     * said none remain until its reset, or the first answer since start is awaited); {@code now}
     * or earlier when nothing holds: the {@code RateLimit-*} views say 0 left until then.
     */
    private long heldUntil(long now) {
        long until = holdUntil;
        SharedView view = shared;
        if (view != null && view.valid(now)) {
            until = Math.max(until, view.holdUntil());
        }
        if (upstreamRemaining == 0) {
            until = Math.max(until, upstreamResetAt);
        }
        if (awaitingFirstAnswer(now)) {
            until = Math.max(until, firstAnswerDue);
        }
        return until;
    }

    /** Whether Coldsend asked the key to wait (a 429, or a 503 with {@code Retry-After}), here or, as last read, anywhere. */
    private boolean askedToWait(long now) {
        SharedView view = shared;
        return now < holdUntil || (view != null && view.valid(now) && now < view.holdUntil());
    }

    /** Whether the one request let out since start is still in flight, and Coldsend has not said what remains. */
    private boolean awaitingFirstAnswer(long now) {
        return firstAnswerWait > 0 && now < firstAnswerDue;
    }

    /** A request goes out now: while Coldsend's first answer is awaited, it is the one in flight. */
    private void letOut(long now) {
        firstAnswerDue = now + firstAnswerWait;
    }

    /**
     * The refusal while the first request since start is in flight. Its answer usually comes well
     * within a second, so callers are told to come back in one (a cold ask waits for it in the queue).
     */
    private Grant firstAnswerPending(long now) {
        return Grant.refused("the proxy has just started and waits for Coldsend's first answer, which says what is"
                + " left of the key's budget", Math.min(Units.SECOND, firstAnswerDue - now));
    }

    /**
     * Nanoseconds until {@code mine} may send one more in the window: the window's units less
     * what the other consumers' guarantees keep from it ({@link ConsumerWindows#guardedFrom}).
     */
    private long lendingWait(ConsumerWindows mine, boolean hourWindow, long now) {
        int limit = hourWindow ? hourLimit() : minuteLimit();
        return (hourWindow ? hour : minute).waitNanos(now, room(mine, hourWindow, limit, now));
    }

    /**
     * Nanoseconds until {@code mine} may send one more within the pace ({@link Pace}), 0 when it
     * is not paced: the pace's units less what the other consumers' shares of it keep from it.
     */
    private long paceWait(ConsumerWindows mine, long now) {
        if (!pace.paces(mine.priority)) {
            return 0;
        }
        return pace.log.waitNanos(now, paceRoom(mine, pace.limit(hourLimit()), now));
    }

    /**
     * The units of the pace {@code mine} may see spent in all: as {@link #room} judges a window,
     * with the claims of pace refusals alone, and never less than one, so holdbacks that add up to
     * the whole of a small pace cannot shut every paced consumer out for good.
     */
    private int paceRoom(ConsumerWindows mine, int limit, long now) {
        return Math.max(1, room(mine, limit, now, each -> each.pace.count(now), /* inPace= */ true));
    }

    /** A consumer refused by the pace below its guarantee of it has first claim on the pace's freed units. */
    private void claimPaceIfBelowGuarantee(ConsumerWindows mine, long paceWait, long now) {
        if (paceWait > 0 && !mine.borrowing(mine.pace.count(now), pace.limit(hourLimit()))) {
            mine.paceClaimUntil = now + paceWait + ConsumerWindows.CLAIM_NANOS;
        }
    }

    /** The units of the window {@code mine} may see spent in all, its own sends and everyone else's, on this replica. */
    private int room(ConsumerWindows mine, boolean hourWindow, int limit, long now) {
        return room(mine, limit, now, each -> each.log(hourWindow).count(now), /* inPace= */ false);
    }

    /**
     * As {@link #room(ConsumerWindows, boolean, int, long)}, with each consumer's sends in the window
     * as {@code used} says; {@code inPace}: the window is the pace's, where only pace claims count.
     */
    private int room(ConsumerWindows mine, int limit, long now, ToIntFunction<ConsumerWindows> used, boolean inPace) {
        boolean borrows = mine.borrowing(used.applyAsInt(mine), limit);
        int guarded = 0;
        for (ConsumerWindows other : shares.values()) {
            if (other != mine) {
                guarded += other.guardedFrom(mine, borrows, used.applyAsInt(other), limit, holdback, now, inPace);
            }
        }
        return limit - guarded;
    }

    /**
     * The units of the minute and the hour {@code consumer} may see spent across all replicas (the
     * key's limits in force less what the other consumers' guarantees keep from it), judged on what
     * every replica spent as last read from Redis; where that read has no count for a consumer,
     * this replica's own count stands in. The Redis lease script enforces these as the key's limits.
     */
    synchronized int[] clusterRoom(Consumer consumer) {
        long now = ticker.read();
        ConsumerWindows mine = share(consumer);
        SharedView view = shared;
        SharedView all = view != null && view.valid(now) ? view : null;
        return new int[] { room(mine, minuteLimit(), now, each -> usedEverywhere(each, false, all, now), /* inPace= */ false),
                room(mine, hourLimit(), now, each -> usedEverywhere(each, true, all, now), /* inPace= */ false) };
    }

    /**
     * The units of the minute and the hour a spare-budget refresh may see spent across all
     * replicas: none without {@link #spareUnits() spare units}, else the key's limits less what
     * every consumer's guarantee keeps from a background borrower, on every replica's spend as
     * last read. The Redis lease script enforces these as the key's limits.
     */
    synchronized int[] clusterRoomForSpare() {
        if (spareUnits() <= 0) {
            return new int[] { 0, 0 };
        }
        long now = ticker.read();
        SharedView view = shared;
        SharedView all = view != null && view.valid(now) ? view : null;
        return new int[] { spareRoom(minuteLimit(), now, each -> usedEverywhere(each, false, all, now), /* inPace= */ false),
                spareRoom(hourLimit(), now, each -> usedEverywhere(each, true, all, now), /* inPace= */ false) };
    }

    /**
     * Nanoseconds until a spare-budget refresh (background, so always paced when the pace is on)
     * may go within the pace: its units less what every consumer's share of it keeps from a
     * background borrower; 0 when nothing is paced.
     */
    private long sparePace(long now) {
        if (!pace.on()) {
            return 0;
        }
        return pace.log.waitNanos(now, spareRoom(pace.limit(hourLimit()), now, each -> each.pace.count(now), /* inPace= */ true));
    }

    /**
     * With the Redis tier, a refusal by this replica's pace before any unit is leased for
     * {@code consumer} (a leased unit the local governor then refuses would be spent unsent);
     * null when the pace lets it go. A spare refresh needs no such check: while the pace holds it
     * back, no unit is spare ({@link #spareUnits()}), so {@link #clusterRoomForSpare()} leaves no room.
     */
    synchronized Grant paceRefusal(Consumer consumer) {
        long now = ticker.read();
        ConsumerWindows mine = share(consumer);
        long wait = paceWait(mine, now);
        claimPaceIfBelowGuarantee(mine, wait, now);
        return wait > 0 ? paceRefused(wait) : null;
    }

    private static Grant paceRefused(long wait) {
        return Grant.refused("the proxy spreads its Coldsend budget over the hour, and what it may spend in this part of"
                + " it is spent", wait);
    }

    /**
     * The units of a window a spare-budget refresh may see spent in all: {@code limit} less what
     * every consumer's guarantee keeps from a background borrower, each having spent what {@code used} says;
     * {@code inPace} as in {@link #room(ConsumerWindows, int, long, ToIntFunction, boolean)}.
     */
    private int spareRoom(int limit, long now, ToIntFunction<ConsumerWindows> used, boolean inPace) {
        int room = limit;
        for (ConsumerWindows each : shares.values()) {
            room -= each.guardedFrom(SPARE, /* askerBorrows= */ true, used.applyAsInt(each), limit, holdback, now, inPace);
        }
        return room;
    }

    /**
     * Gives {@code consumer}, refused a lease, first claim on the units that free first, when it
     * was refused below its guarantee in both windows (across all replicas, as last read).
     */
    synchronized void claimIfBelowGuarantee(Consumer consumer, Grant refusal) {
        long now = ticker.read();
        ConsumerWindows mine = share(consumer);
        SharedView view = shared;
        SharedView all = view != null && view.valid(now) ? view : null;
        if (!mine.borrowing(usedEverywhere(mine, false, all, now), minuteLimit())
                && !mine.borrowing(usedEverywhere(mine, true, all, now), hourLimit())) {
            mine.claimUntil = now + TimeUnit.SECONDS.toNanos(refusal.retryAfterSeconds()) + ConsumerWindows.CLAIM_NANOS;
        }
    }

    private static int usedEverywhere(ConsumerWindows consumer, boolean hourWindow, SharedView all, long now) {
        int here = consumer.log(hourWindow).count(now);
        return all == null ? here : all.used(consumer.name, hourWindow, here);
    }

    /** {@link #observe(int, Long, Long, Long, Long)} for an answer without {@code X-RateLimit-Limit}. */
    public long observe(int status, Long remaining, Long resetEpochSeconds, Long retryAfterSeconds) {
        return observe(status, null, remaining, resetEpochSeconds, retryAfterSeconds);
    }

    /** Counts one ask for a lead with no copy at all, as demand refreshes must leave room for. */
    public synchronized void coldAsk() {
        long now = ticker.read();
        // The hour counts at most a minute's limit of cold asks per minute: a burst beyond what the
        // minute window can serve is no demand the hour's units could meet, so it reserves none of them.
        if (coldMinute.count(now) < minuteLimit()) {
            coldHour.recordSaturating(now);
        }
        coldMinute.recordSaturating(now);
    }

    /**
     * Learns from one Coldsend answer: the key's limit as Coldsend declares it for the window its
     * reset names (the lower of it and that window's configured limit is kept from then on), its
     * remaining count and reset time, and any
     * request to wait (429, or 503 with {@code Retry-After}). Null values were absent.
     *
     * @return how long (nanoseconds) every replica should now hold off, 0 when the answer asks for no pause
     */
    public synchronized long observe(int status, Long limit, Long remaining, Long resetEpochSeconds, Long retryAfterSeconds) {
        long now = ticker.read();
        if (remaining != null || status == 429) {
            // Coldsend's own count (or its 429) now stands for what the process before spent.
            firstAnswerWait = 0;
        } else {
            // An answer without it (a gateway's 502, say) says nothing of the window: the request
            // in flight has ended, and the next may go, still one at a time.
            firstAnswerDue = Long.MIN_VALUE;
        }
        Long resetIn = resetEpochSeconds == null ? null
                : Math.min(HOUR, TimeUnit.SECONDS.toNanos(Math.max(0,
                        resetEpochSeconds - TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()))));
        int declared = limit != null && limit > 0 ? (int) Math.min(Integer.MAX_VALUE, limit) : Integer.MAX_VALUE;
        if (declared != Integer.MAX_VALUE) {
            declare(declared, /* hour= */ resetIn != null && resetIn > MINUTE);
        }
        // A reset not ahead of this replica's clock says nothing about when Coldsend's window ends
        // (the clocks differ, or it ends within the second): then it counts as no reset given.
        long untilReset = resetIn != null && resetIn > 0 ? resetIn : DEFAULT_HOLD;
        if (remaining != null) {
            boolean sameWindow = resetEpochSeconds != null && resetEpochSeconds == upstreamResetEpoch
                    && upstreamRemaining >= 0 && now < upstreamResetAt;
            // Answers of concurrent requests come back in any order: within one window, Coldsend's
            // count only goes down, so an earlier request's answer read late never raises it.
            upstreamRemaining = sameWindow ? Math.min(upstreamRemaining, remaining) : remaining;
            countsRead++;
            upstreamResetEpoch = resetEpochSeconds != null ? resetEpochSeconds : Long.MIN_VALUE;
            declaredWithRemaining = declared;
            if (!sameWindow) {
                upstreamResetAt = now + untilReset;
            }
        }
        // What Coldsend said (a count, a hold, the first answer) may change what every consumer's view says.
        dropViews();
        Long retryIn = retryAfterSeconds == null ? null : Math.min(HOUR, TimeUnit.SECONDS.toNanos(retryAfterSeconds));
        if (status == 429) {
            long pause = retryIn != null && retryIn > 0 ? retryIn : untilReset;
            hold(now + pause, "Coldsend's rate limit for the proxy's key is exceeded", false);
            return pause;
        }
        if (status == 503 && retryIn != null) {
            hold(now + retryIn, "Coldsend is overloaded and asked the proxy to retry later", true);
            return retryIn;
        }
        return remaining != null && remaining == 0 ? upstreamResetAt - now : 0;
    }

    /**
     * Whether stale copies should be served instead of refreshed, so that what is left goes to
     * leads with no answer at all: Coldsend asked the key to wait, or in either window the units
     * left (across replicas with the Redis tier, and by Coldsend's own count) are fewer than what
     * cold leads asked for in the last such window, and never fewer than the low-budget ratio of it.
     * The hour counts at most the minute's limit of cold asks in any minute (what it could serve).
     */
    public synchronized boolean budgetLow() {
        long now = ticker.read();
        // Coldsend's remaining count is judged against the limit Coldsend declared with it.
        int declared = declaredWithRemaining != Integer.MAX_VALUE ? declaredWithRemaining : perMinute;
        if (now < holdUntil || (upstreamRemaining >= 0 && now < upstreamResetAt
                && upstreamRemaining < lowBudgetRatio * declared)) {
            return true;
        }
        SharedView view = shared;
        if (view != null && view.valid(now) && (now < view.holdUntil() || low(view.minuteLeft(), view.hourLeft()))) {
            return true;
        }
        return low(minute.remaining(now, minuteLimit()), hour.remaining(now, hourLimit()));
    }

    /**
     * Units that would otherwise go unused now: in the tighter window, what is left (across
     * replicas, and by Coldsend's count) beyond what cold leads asked for in the last such window
     * and beyond the low-budget ratio of it; 0 while Coldsend asks the key to wait.
     */
    public synchronized int spareUnits() {
        long now = ticker.read();
        if (heldByColdsend(now) || sparePace(now) > 0) {
            return 0;
        }
        int minuteLeft = minute.remaining(now, minuteLimit());
        int hourLeft = hour.remaining(now, hourLimit());
        SharedView view = shared;
        if (view != null && view.valid(now)) {
            minuteLeft = Math.min(minuteLeft, view.minuteLeft());
            hourLeft = Math.min(hourLeft, view.hourLeft());
        }
        double minuteSpare = minuteLeft - Math.max(lowBudgetRatio * minuteLimit(), coldMinute.count(now));
        double hourSpare = hourLeft - Math.max(lowBudgetRatio * hourLimit(), coldHour.count(now));
        return (int) Math.max(0, Math.floor(Math.min(minuteSpare, hourSpare)));
    }

    /**
     * One request paid from {@link #spareUnits() spare} budget (a refresh of a hot lead): granted
     * only when a spare unit exists and, like a background borrower's, it leaves every consumer's
     * holdback, claims and critical guarantee untouched. Counted in the key's windows only.
     */
    public synchronized Grant tryAcquireSpare() {
        long now = ticker.read();
        if (spareUnits() <= 0) {
            return Grant.refused("no spare budget", Units.MINUTE);
        }
        if (awaitingFirstAnswer(now)) {
            return firstAnswerPending(now);
        }
        int minuteRoom = spareRoom(minuteLimit(), now, each -> each.minute.count(now), /* inPace= */ false);
        int hourRoom = spareRoom(hourLimit(), now, each -> each.hour.count(now), /* inPace= */ false);
        long paceWait = sparePace(now);
        if (minute.count(now) >= minuteRoom || hour.count(now) >= hourRoom || paceWait > 0) {
            return Grant.refused("no spare budget", Math.max(paceWait,
                    Math.max(minute.waitNanos(now, minuteRoom), hour.waitNanos(now, hourRoom))));
        }
        spareSent++;
        sent(now);
        return Grant.GRANTED;
    }

    /** Requests sent from spare budget, for metrics. */
    public long spareSent() {
        return spareSent;
    }

    private boolean low(int minuteLeft, int hourLeft) {
        long now = ticker.read();
        return minuteLeft < Math.max(lowBudgetRatio * minuteLimit(), coldMinute.count(now))
                || hourLeft < Math.max(lowBudgetRatio * hourLimit(), coldHour.count(now));
    }

    /** The key's minute limit in force: the configured one, or Coldsend's declared minute limit when lower. */
    public int minuteLimit() {
        return Math.min(perMinute, declaredMinute);
    }

    /** The key's hour limit in force: the configured one, or Coldsend's declared hour limit when lower. */
    public int hourLimit() {
        return Math.min(perHour, declaredHour);
    }

    private void declare(int limit, boolean hour) {
        if (hour ? limit != declaredHour : limit != declaredMinute) {
            if (hour) {
                declaredHour = limit;
            } else {
                declaredMinute = limit;
            }
            dropViews();
        }
    }

    /**
     * Adopts what all replicas spent, as read from Redis: from now on budget-low, the
     * {@code RateLimit-*} views and Coldsend's holds are judged on it until it grows too old.
     */
    void adopt(SharedView view) {
        shared = view;
        dropViews();
    }

    /**
     * The consumer's own budget, for its {@code RateLimit-*} headers. Lock-free while nothing
     * changed: the view is recomputed only after a send or once time frees a unit.
     */
    public Budget budget(String consumer, double share) {
        return budget(consumer, share, ticker.read());
    }

    /** {@link #budget(String, double)} at {@code now}, a reading of the same clock, so a hit reads it once. */
    public Budget budget(String consumer, double share, long now) {
        ConsumerWindows mine = shares.get(consumer);
        if (mine == null) {
            mine = share(new Consumer(consumer, share));
        }
        Budget view = mine.view;
        if (view == null || now >= view.validUntilNanos()) {
            synchronized (this) {
                view = refreshView(mine, ticker.read());
            }
        }
        SharedView all = shared;
        if (all != null && all.valid(now)) {
            Budget everywhere = all.budget(consumer);
            if (everywhere != null && everywhere.remaining() < view.remaining()) {
                // The shared view knows no pace: a paced consumer's answers keep listing it.
                return pace.paces(mine.priority) ? mine.withPolicyOf(everywhere, view) : everywhere;
            }
        }
        return view;
    }

    /** Whole seconds until {@code budget} frees a unit, for {@code RateLimit-Reset}. */
    public long resetSeconds(Budget budget) {
        return budget.resetSeconds(ticker.read());
    }

    /** Requests still allowed in the shared minute and hour windows, for metrics. */
    public synchronized int[] sharedRemaining() {
        long now = ticker.read();
        int[] remaining = { minute.remaining(now, minuteLimit()), hour.remaining(now, hourLimit()) };
        SharedView view = shared;
        if (view != null && view.valid(now)) {
            remaining[0] = Math.min(remaining[0], view.minuteLeft());
            remaining[1] = Math.min(remaining[1], view.hourLeft());
        }
        return remaining;
    }

    private void hold(long until, String reason, boolean overload) {
        if (until > holdUntil) {
            holdUntil = until;
            holdReason = reason;
            holdForOverload = overload;
        }
    }

    /** Each known consumer's requests sent, and of them lent beyond its guarantee: {@code {sent, borrowed}}. */
    public java.util.Map<String, long[]> spentByConsumer() {
        java.util.Map<String, long[]> spent = new java.util.TreeMap<>();
        shares.forEach((name, windows) -> spent.put(name, new long[] { windows.sent, windows.borrowed }));
        return spent;
    }

    private ConsumerWindows share(Consumer consumer) {
        ConsumerWindows existing = shares.get(consumer.name());
        return existing != null ? existing
                : shares.computeIfAbsent(consumer.name(), name -> new ConsumerWindows(consumer, perMinute, perHour, inFlightNanos, pace));
    }

    /**
     * The consumer's {@code RateLimit-*} view: per window its guarantee as the limit, and as
     * remaining what it may send now (borrowing included), never more than that guarantee. Valid
     * until any send leaves a window, since that changes what is lent.
     */
    private Budget refreshView(ConsumerWindows mine, long now) {
        int minuteLimit = mine.guarantee(minuteLimit());
        int hourLimit = mine.guarantee(hourLimit());
        int minuteLeft = Math.min(minuteLimit, Math.max(0, room(mine, false, minuteLimit(), now) - minute.count(now)));
        int hourLeft = Math.min(hourLimit, Math.max(0, room(mine, true, hourLimit(), now) - hour.count(now)));
        long minuteFree = minuteLeft == 0 ? now + lendingWait(mine, false, now) : mine.minute.nextFreeAt(now);
        long hourFree = hourLeft == 0 ? now + lendingWait(mine, true, now) : mine.hour.nextFreeAt(now);
        long minuteMoves = minute.nextFreeAt(now);
        long hourMoves = hour.nextFreeAt(now);
        long validUntil = Math.min(minuteMoves > now ? minuteMoves : Long.MAX_VALUE, hourMoves > now ? hourMoves : Long.MAX_VALUE);
        boolean paced = pace.paces(mine.priority);
        long paceMoves = paced ? pace.log.nextFreeAt(now) : now;
        if (paceMoves > now) {
            validUntil = Math.min(validUntil, paceMoves);
        }
        Budget fresh = Budget.tighter(minuteLimit, minuteLeft, minuteFree, hourLimit, hourLeft, hourFree, validUntil);
        if (paced) {
            int paceLimit = pace.limit(hourLimit());
            int paceQuota = mine.guarantee(paceLimit);
            int paceRoom = paceRoom(mine, paceLimit, now);
            int paceLeft = Math.min(paceQuota, Math.max(0, paceRoom - pace.log.count(now)));
            long paceFree = paceLeft == 0 ? now + pace.log.waitNanos(now, paceRoom) : mine.pace.nextFreeAt(now);
            fresh = Budget.withPace(fresh, paceQuota, paceLeft, paceFree, pace.windowSeconds());
        }
        long heldUntil = heldUntil(now);
        if (heldUntil > now) {
            fresh = fresh.spentUntil(heldUntil);
        }
        mine.view = fresh;
        return fresh;
    }

    private static int atLeastOne(String property, int value) {
        if (value < 1) {
            throw new ConfigurationException(property + " must be at least 1 but was " + value);
        }
        return value;
    }
}
