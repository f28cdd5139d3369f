package dev.coldsendproxy.quota;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.cluster.RedisUnavailableException;
import io.smallrye.mutiny.Uni;

/**
 * This replica's side of the budget shared through Redis ({@link LeaseLedger}): every unit it
 * sends was leased first, so the replicas together stay within the key's limits whatever Redis
 * does. While Redis answers, a unit is leased per attempt (a few at once when a consumer's misses
 * queue), and units left unspent go back when their lease ends. While Redis does not answer, only
 * units still leased are spent, then {@link LocalOnlyAllowance}. When Redis lost its data, every
 * send of the last hour is re-reported before the next lease; when Redis returns, the sends made
 * without a lease are.
 *
 * <p>All state is guarded by this object's monitor, taken only on the way to Coldsend (at most a
 * hundred times a minute) and once per probe; Redis is never called while it is held.
 */
public final class Leases {

    private static final long ONE_SECOND = 1_000_000_000L;

    private final Ledger ledger;
    private final Ticker ticker;
    private final BooleanSupplier reachable;
    private final String replica;
    private final long leaseTtl;
    /** How long after it may start a send may still reach Coldsend ({@link InFlight}). */
    private final long inFlight;
    private final int leaseMax;
    private final int perMinute;
    private final int perHour;
    private final LocalOnlyAllowance localOnly;
    private final SendLog sends;
    private final Map<String, Lot> lots = new HashMap<>();
    private final Counters counters = new Counters();
    private String epoch = "";
    private long lastContact;
    /**
     * The last contact Redis keeps as this replica's ({@code heard:<replica>}): a script sent with
     * nothing unreported, or an import recorded, tells Redis of the contact before it. The others
     * forget a replica a day after that, so the local-only allowance's longest silence counts from it.
     */
    private long recordedContact;
    /** Whether Redis ever answered this process: until it has, the others know nothing of it to hold back. */
    private boolean heard;
    private boolean unleasedToReport;
    /** Sends made without a lease, ever: an import clears {@link #unleasedToReport} only if none came after its snapshot. */
    private long unleasedSends;

    /**
     * @param reachable whether Redis is worth asking now (the tier's mode); when false, only units
     *        already leased and the local-only allowance are spent
     * @param replica this process's name in the shared state, new on every start
     * @param settle nanoseconds past a full window of silence before the local-only allowance opens
     * @param inFlightNanos how long after it may start a send may still reach Coldsend: a send is
     *        re-reported as made that much after the last instant its unit allowed it to start
     */
    Leases(Ledger ledger, Ticker ticker, BooleanSupplier reachable, String replica, int perMinute, int perHour,
            int expectedReplicas, long leaseTtlNanos, int leaseMax, long settle, long inFlightNanos) {
        this.ledger = ledger;
        this.ticker = ticker;
        this.reachable = reachable;
        this.replica = replica;
        this.leaseTtl = leaseTtlNanos;
        this.inFlight = inFlightNanos;
        this.leaseMax = leaseMax;
        this.perMinute = perMinute;
        this.perHour = perHour;
        this.localOnly = new LocalOnlyAllowance(perMinute, perHour, expectedReplicas, settle, inFlightNanos);
        this.sends = new SendLog(perHour);
        this.lastContact = ticker.read();
        this.recordedContact = lastContact;
    }

    /** Units leased, sent, given back and stranded, for metrics and the simulation's report. */
    public static final class Counters {
        final AtomicLong leased = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong givenBack = new AtomicLong();
        final AtomicLong stranded = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();

        /** Units Redis granted this replica. */
        public long leased() {
            return leased.get();
        }

        /** Requests this replica sent, leased or not. */
        public long sent() {
            return sent.get();
        }

        /** Units given back unspent, free again for every replica. */
        public long givenBack() {
            return givenBack.get();
        }

        /** Units leased, never sent and never given back: spent budget that bought nothing. */
        public long stranded() {
            return stranded.get();
        }

        /** Units asked for in lease requests that Redis did not answer in time: perhaps granted, never used. */
        public long unanswered() {
            return unanswered.get();
        }
    }

    /** Whether this replica sent units without a lease that Redis does not know yet. */
    synchronized boolean hasUnreportedSends() {
        return unleasedToReport;
    }

    /** The counters of this replica's leases. */
    public Counters counters() {
        return counters;
    }

    /** Asks for one unit for {@code share}'s consumer; the item says whether it may be sent now. */
    public Uni<Grant> acquire(LeaseLedger.ShareLimits share) {
        return acquire(share, perMinute, perHour);
    }

    /** As {@link #acquire(LeaseLedger.ShareLimits)} under the key's limits in force (lower when Coldsend declared so). */
    public Uni<Grant> acquire(LeaseLedger.ShareLimits share, int minuteLimit, int hourLimit) {
        long now = ticker.read();
        synchronized (this) {
            Grant leased = takeLeased(share.consumer(), now);
            if (leased != null) {
                return Uni.createFrom().item(leased);
            }
        }
        if (!reachable.getAsBoolean()) {
            return Uni.createFrom().item(withoutRedis());
        }
        String known;
        synchronized (this) {
            known = unleasedToReport ? epoch : null;
        }
        if (known == null) {
            return lease(share, minuteLimit, hourLimit, /* mayReport= */ true);
        }
        // Redis is back, and this replica sent units it knows nothing of: no lease is judged on
        // windows that lack them. Reported first; if Redis does not take them (unreachable again),
        // only the local-only allowance spends. A new epoch is seen by the lease, which imports first.
        return report(known).chain(() -> {
            boolean unreported;
            synchronized (this) {
                unreported = unleasedToReport && !known.isEmpty() && known.equals(epoch);
            }
            return unreported ? Uni.createFrom().item(withoutRedis())
                    : lease(share, minuteLimit, hourLimit, /* mayReport= */ true);
        });
    }

    /**
     * Once per probe: gives back units whose lease ended, reads the shared state and re-reports
     * sends Redis does not know. Never fails; the item is null when Redis was not read.
     */
    public Uni<LeaseLedger.Status> refresh(List<LeaseLedger.ShareLimits> shares) {
        long sentAt = ticker.read();
        Uni<Void> giveBack = giveBack(sentAt);
        if (!reachable.getAsBoolean()) {
            return giveBack.replaceWith((LeaseLedger.Status) null);
        }
        return giveBack.chain(() -> {
            long statusAt = ticker.read();
            return contactOn(ledger.status(shares), statusAt);
        })
                .chain(read -> {
                    boolean report;
                    synchronized (this) {
                        report = !read.epoch().equals(epoch) || unleasedToReport;
                    }
                    return report ? report(read.epoch()).replaceWith(read) : Uni.createFrom().item(read);
                })
                .onFailure(RedisUnavailableException.class).recoverWithNull();
    }

    /**
     * Tells every replica that Coldsend asked the key to wait {@code millis} (a 429, or a 503 with
     * {@code Retry-After}): their leases stop until then. Best effort; never fails.
     */
    public Uni<Void> shareHold(long millis, int httpStatus) {
        if (millis <= 0 || !reachable.getAsBoolean()) {
            return Uni.createFrom().voidItem();
        }
        long sentAt = ticker.read();
        return contactOn(ledger.hold(millis, httpStatus), sentAt).onFailure().recoverWithNull();
    }

    /**
     * Gives every unit still leased back, for a replica that stops, and then, when Redis knows all
     * its sends, removes its records so that no replica holds its share back for it.
     */
    public Uni<Void> giveBackAll() {
        return giveBack(Long.MAX_VALUE).chain(() -> {
            synchronized (this) {
                if (unleasedToReport || !reachable.getAsBoolean()) {
                    return Uni.createFrom().voidItem();
                }
            }
            return ledger.leave().onFailure().recoverWithNull();
        });
    }

    private Uni<Grant> lease(LeaseLedger.ShareLimits share, int minuteLimit, int hourLimit, boolean mayReport) {
        long sentAt = ticker.read();
        int want;
        String known;
        synchronized (this) {
            Lot lot = lots.computeIfAbsent(share.consumer(), name -> new Lot());
            lot.asking++;
            want = Math.min(leaseMax, lot.asking);
            known = epoch;
        }
        return contactOn(ledger.lease(share, want, known, minuteLimit, hourLimit), sentAt)
                // On cancellation too (a caller gone mid-lease), or later misses would ask for more.
                .onTermination().invoke(() -> {
                    synchronized (this) {
                        lots.get(share.consumer()).asking--;
                    }
                })
                .onFailure(RedisUnavailableException.class).recoverWithItem(() -> {
                    counters.unanswered.addAndGet(want);
                    return null;
                })
                .chain(answer -> answer == null ? Uni.createFrom().item(withoutRedis())
                        : answered(share, answer, sentAt, minuteLimit, hourLimit, mayReport));
    }

    private Uni<Grant> answered(LeaseLedger.ShareLimits share, LeaseLedger.LeaseAnswer answer, long sentAt, int minuteLimit,
            int hourLimit, boolean mayReport) {
        return switch (answer.outcome()) {
            case GRANTED -> Uni.createFrom().item(granted(share.consumer(), answer, sentAt));
            case IMPORT_FIRST -> mayReport
                    ? report(answer.epoch()).chain(() -> lease(share, minuteLimit, hourLimit, /* mayReport= */ false))
                    : Uni.createFrom().item(Grant.refused("the proxy's shared budget is being rebuilt", ONE_SECOND));
            case REBUILDING -> Uni.createFrom().item(Grant.refused(
                    "the proxy's shared budget is being rebuilt after Redis lost it", millis(answer.waitMillis())));
            case HELD -> Uni.createFrom().item(answer.lastUnit() == 503
                    ? Grant.overloaded("Coldsend is overloaded and asked the proxy to retry later", millis(answer.waitMillis()))
                    : Grant.refused("Coldsend's rate limit for the proxy's key is exceeded", millis(answer.waitMillis())));
            case REFUSED -> Uni.createFrom().item(Grant.refused(answer.lastUnit() == 2
                    ? "your share of the proxy's Coldsend budget is spent"
                    : "the proxy's Coldsend budget is spent", millis(answer.waitMillis())));
        };
    }

    private synchronized Grant granted(String consumer, LeaseLedger.LeaseAnswer answer, long sentAt) {
        counters.leased.addAndGet(answer.granted());
        if (!answer.epoch().equals(epoch)) {
            // Granted in an epoch this replica has left since it asked (Redis lost its data, and the
            // sends were re-reported into the new one meanwhile): a send now would be known to no
            // epoch. Spend nothing; the units stay counted where they were leased.
            counters.stranded.addAndGet(answer.granted());
            return Grant.refused("the proxy's shared budget is being rebuilt", ONE_SECOND);
        }
        long leaseEnd = sentAt + leaseTtl;
        Lot lot = lots.computeIfAbsent(consumer, name -> new Lot());
        for (long unit = answer.lastUnit() - answer.granted() + 2; unit <= answer.lastUnit(); unit++) {
            lot.units.add(new Unit(epoch + ":" + unit, leaseEnd));
        }
        sent(leaseEnd, /* withoutLease= */ false);
        return Grant.leased(leaseEnd);
    }

    /** Redis does not answer: spend a leased unit if one is left, else the local-only allowance. */
    private synchronized Grant withoutRedis() {
        long now = ticker.read();
        if (!heard) {
            return Grant.refused("the proxy's shared budget is unreachable, and this replica, never having reached it,"
                    + " spends nothing without it", Units.MINUTE);
        }
        long wait = localOnly.tryAcquire(now, lastContact, recordedContact);
        if (wait == Long.MAX_VALUE) {
            return Grant.refused("the proxy's shared budget has been unreachable for too long: this replica spends"
                    + " nothing more until it answers again", Units.MINUTE);
        }
        if (wait > 0) {
            return Grant.refused("the proxy's shared budget is unreachable, and this replica spends only what it had"
                    + " leased until it has been cut off for a full hour", wait);
        }
        sent(now, /* withoutLease= */ true);
        unleasedToReport = true;
        unleasedSends++;
        ledger.unreportedSends(true);
        return Grant.GRANTED;
    }

    /** Re-reports this replica's sends into {@code current}: all of them into a new epoch, else the unleased ones. */
    private Uni<Void> report(String current) {
        List<LeaseLedger.Sent> toReport;
        long sentAt = ticker.read();
        long snapshotAfter;
        long contactBefore;
        synchronized (this) {
            snapshotAfter = unleasedSends;
            contactBefore = lastContact;
            boolean newEpoch = !current.equals(epoch);
            if (newEpoch) {
                // Units leased in the lost epoch are unknown to Redis now: never spend them.
                lots.values().forEach(lot -> {
                    lot.units.clear();
                    lot.ended.clear();
                });
                // Left at once, not when the import is answered: a lost epoch's lease answered in
                // between is refused (Leases.granted), never sent beside a snapshot that lacks it.
                epoch = "";
            }
            toReport = sends.since(sentAt, replica, /* all= */ newEpoch);
        }
        return contactOn(ledger.importSends(current, replica, toReport), sentAt)
                .invoke(recorded -> {
                    synchronized (this) {
                        if (recorded.equals(current)) {
                            epoch = current;
                            recordedContact = Math.max(recordedContact, contactBefore);
                            // A send without a lease made after the snapshot is still unknown to Redis.
                            if (unleasedSends == snapshotAfter) {
                                unleasedToReport = false;
                                ledger.unreportedSends(false);
                            }
                        }
                    }
                })
                .replaceWithVoid()
                .onFailure(RedisUnavailableException.class).recoverWithNull();
    }

    /** Gives back the units whose lease ends before {@code until}; those that cannot be given back are stranded. */
    private Uni<Void> giveBack(long until) {
        Map<String, List<String>> expired = new HashMap<>();
        String from;
        synchronized (this) {
            from = epoch;
            lots.forEach((consumer, lot) -> {
                List<String> members = new ArrayList<>();
                lot.ended.forEach(unit -> members.add(unit.member()));
                lot.ended.clear();
                while (!lot.units.isEmpty() && lot.units.peekFirst().deadline() <= until) {
                    members.add(lot.units.pollFirst().member());
                }
                if (!members.isEmpty()) {
                    expired.put(consumer, members);
                }
            });
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (Map.Entry<String, List<String>> entry : expired.entrySet()) {
            int count = entry.getValue().size();
            all = all.chain(() -> (reachable.getAsBoolean()
                    ? giveBackOne(from, entry.getKey(), entry.getValue())
                            .invoke(() -> counters.givenBack.addAndGet(count))
                    : Uni.createFrom().<Void>failure(new RedisUnavailableException("local-only", null)))
                    .onFailure().recoverWithItem(() -> {
                        counters.stranded.addAndGet(count);
                        return null;
                    }));
        }
        return all;
    }

    /** A unit still leased to {@code consumer}, granted until its lease ends; null when none is left. */
    private Grant takeLeased(String consumer, long now) {
        Lot lot = lots.get(consumer);
        if (lot == null) {
            return null;
        }
        while (!lot.units.isEmpty()) {
            Unit unit = lot.units.pollFirst();
            if (now < unit.deadline()) {
                sent(unit.deadline(), /* withoutLease= */ false);
                return Grant.leased(unit.deadline());
            }
            lot.ended.add(unit);
        }
        return null;
    }

    /**
     * Records a send that starts by {@code lastStart}: it is re-reported, if ever, as reaching
     * Coldsend as late as it may ({@code inFlight} after), so Redis never frees it before Coldsend does.
     */
    private void sent(long lastStart, boolean withoutLease) {
        sends.record(lastStart + inFlight, withoutLease);
        counters.sent.incrementAndGet();
    }

    /**
     * Notes every answer from Redis as contact, as of when its command left: the same answers
     * that {@link LeaseLedger} reports to the others as this replica's last contact, so that its
     * local-only allowance never opens before they hold its share back.
     */
    private <T> Uni<T> contactOn(Uni<T> command, long sentAt) {
        boolean recordable;
        long contactBefore;
        synchronized (this) {
            recordable = !unleasedToReport;
            contactBefore = lastContact;
        }
        return command.invoke(() -> {
            synchronized (this) {
                lastContact = Math.max(lastContact, sentAt);
                if (recordable) {
                    recordedContact = Math.max(recordedContact, contactBefore);
                }
                heard = true;
            }
        });
    }

    private Uni<Void> giveBackOne(String from, String consumer, List<String> members) {
        long sentAt = ticker.read();
        return contactOn(ledger.giveBack(from, consumer, members), sentAt);
    }

    private static long millis(long millis) {
        return millis * 1_000_000L;
    }

    /** One leased unit: its member in the shared windows and the local instant it may no longer be sent. */
    private record Unit(String member, long deadline) {
    }

    /** One consumer's leased units on this replica, oldest first, and its lease requests in flight. */
    private static final class Lot {
        final ArrayDeque<Unit> units = new ArrayDeque<>();
        /** Units whose lease ended before they were needed, to give back at the next refresh. */
        final List<Unit> ended = new ArrayList<>();
        int asking;
    }
}
