package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/**
 * One replica's leases against the shared budget's rules in memory ({@link InMemoryLedger}), on a
 * manual clock: what is leased, spent, given back or stranded, what happens without Redis, after
 * Redis lost its data, and while Coldsend asked the key to wait.
 */
class LeasesTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final int PER_MINUTE = 10;
    private static final int PER_HOUR = 100;
    private static final int REPLICAS = 3;
    private static final long LEASE_TTL = 2 * SECOND;
    private static final long SETTLE = 4 * SECOND;
    private static final long COVER_MILLIS = 4_000;
    /** The in-flight time of the cover above: LEASE_TTL + IN_FLIGHT = COVER_MILLIS. */
    private static final long IN_FLIGHT = 2 * SECOND;
    private static final LeaseLedger.ShareLimits WHOLE = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);

    private final AtomicLong now = new AtomicLong(Duration.ofDays(1).toNanos());
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final InMemoryLedger ledger = new InMemoryLedger(() -> now.get() / 1_000_000, COVER_MILLIS, 5_000, 1);
    private final Leases leases = new Leases(ledger, now::get, reachable::get, "replica-a", PER_MINUTE, PER_HOUR, REPLICAS,
            LEASE_TTL, 4, SETTLE, IN_FLIGHT);

    @Test
    void reReportsItsSendsBeforeItsFirstLeaseThenLeasesOneUnitPerAttempt() {
        Grant first = acquire(WHOLE);
        Grant second = acquire(WHOLE);

        assertThat(first.granted()).isTrue();
        assertThat(second.granted()).isTrue();
        assertThat(ledger.calls).containsExactly("lease billing 1", "import 0", "lease billing 1", "lease billing 1");
        assertThat(leases.counters().leased()).isEqualTo(2);
        assertThat(leases.counters().sent()).isEqualTo(2);
        assertThat(ledger.minuteCount()).isEqualTo(2);
    }

    @Test
    void aLeasedGrantSaysUntilWhenItsLeaseCoversASendAndAGrantWithoutRedisCoversAPromptOne() {
        long leasedAt = now.get();
        Grant leased = acquire(WHOLE);
        reachable.set(false);
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        Grant withoutRedis = acquire(WHOLE);

        assertThat(leased.leasedUntil()).as("its lease's end").isEqualTo(leasedAt + LEASE_TTL);
        assertThat(withoutRedis.granted()).isTrue();
        assertThat(withoutRedis.leasedUntil()).isEqualTo(Grant.NOT_LEASED);
    }

    @Test
    void reReportsALeasedSendAsReachingColdsendAsLateAsItsLeaseLetsIt() {
        long leasedAt = now.get();
        acquire(WHOLE);
        advance(SECOND);

        ledger.forget();
        acquire(WHOLE);

        // It may start until the lease ends and take its in-flight time to arrive: 3 s from now.
        assertThat(ledger.imported).extracting(LeaseLedger.Sent::ageMillis)
                .containsExactly((now.get() - leasedAt - LEASE_TTL - IN_FLIGHT) / 1_000_000);
    }

    @Test
    void aUnitFromTheLotIsGrantedUntilItsLeaseEndsAndReReportedAsArrivingByThenAndItsTimeInFlight() {
        long leasedAt = now.get();
        concurrent(2); // the second ask leases two units: one for it, one for the lot
        advance(SECOND);
        Grant fromLot = acquire(WHOLE);

        advance(SECOND / 2);
        ledger.forget();
        ledger.imported.clear();
        acquire(WHOLE);

        assertThat(ledger.calls).as("the third ask took no lease").containsSubsequence("lease billing 1", "lease billing 2");
        assertThat(fromLot.leasedUntil()).as("the lot unit's lease end").isEqualTo(leasedAt + LEASE_TTL);
        long arrivedBy = (now.get() - leasedAt - LEASE_TTL - IN_FLIGHT) / 1_000_000;
        assertThat(ledger.imported).extracting(LeaseLedger.Sent::ageMillis).containsExactly(arrivedBy, arrivedBy, arrivedBy);
    }

    @Test
    void aReplicaThatNeverReachedRedisSpendsNothingWithoutIt() {
        reachable.set(false);
        advance(Duration.ofHours(2).toNanos());

        Grant grant = acquire(WHOLE);

        assertThat(grant.granted()).as("no replica knows it, so none holds its share back").isFalse();
        assertThat(grant.reason()).contains("never having reached it");
        assertThat(leases.counters().sent()).isZero();
    }

    @Test
    void spendsNothingWithoutRedisPastTheLongestSilenceTheOthersRemember() {
        heardFromRedisOnce();
        reachable.set(false);
        advance(LocalOnlyAllowance.LONGEST_SILENCE - SECOND);
        Grant justBefore = acquire(WHOLE);
        advance(SECOND);
        Grant past = acquire(WHOLE);

        assertThat(justBefore.granted()).isTrue();
        assertThat(past.granted()).isFalse();
        assertThat(past.reason()).contains("unreachable for too long");
    }

    @Test
    void tellsTheLedgerOfItsSendsWithoutALeaseUntilRedisHasThem() {
        heardFromRedisOnce();
        reachable.set(false);
        ledger.down = true;
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        acquire(WHOLE);
        boolean whileCutOff = ledger.unreported;

        reachable.set(true);
        ledger.down = false;
        heardFromRedisOnce();

        assertThat(whileCutOff).isTrue();
        assertThat(ledger.imported).hasSize(1);
        assertThat(ledger.unreported).as("reported: the others may stop holding its share back").isFalse();
    }

    @Test
    void saysGoodbyeOnStopOnlyWhenRedisKnowsAllItsSends() {
        heardFromRedisOnce();
        leases.giveBackAll().await().indefinitely();
        boolean leftWhenReported = ledger.calls.contains("leave");

        ledger.calls.clear();
        reachable.set(false);
        ledger.down = true;
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        acquire(WHOLE);
        reachable.set(true);
        ledger.down = false;
        leases.giveBackAll().await().indefinitely();

        assertThat(leftWhenReported).isTrue();
        assertThat(ledger.calls).as("a send Redis does not know: its share stays held back").doesNotContain("leave");
    }

    @Test
    void theLocalOnlyAllowanceCountsASendUntilItSurelyReachedColdsendAndAMinuteAfter() {
        heardFromRedisOnce();
        reachable.set(false);
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        for (int i = 0; i < PER_MINUTE / REPLICAS; i++) {
            assertThat(acquire(WHOLE).granted()).as("unit %d of this replica's third", i).isTrue();
        }

        advance(61 * SECOND); // the sends may have reached Coldsend only 59 s ago
        Grant aMinuteAfter = acquire(WHOLE);
        advance(IN_FLIGHT);
        Grant whenSurelyOut = acquire(WHOLE);

        assertThat(aMinuteAfter.granted()).isFalse();
        assertThat(whenSurelyOut.granted()).isTrue();
    }

    @Test
    void refusesWithTheWaitOfTheFullWindowAndSaysWhoseWindowItIs() {
        LeaseLedger.ShareLimits small = new LeaseLedger.ShareLimits("crm", 3, 30);
        for (int i = 0; i < 3; i++) {
            assertThat(acquire(small).granted()).isTrue();
        }
        Grant share = acquire(small);
        for (int i = 0; i < 7; i++) {
            assertThat(acquire(WHOLE).granted()).isTrue();
        }
        Grant key = acquire(WHOLE);

        assertThat(share.granted()).isFalse();
        assertThat(share.reason()).isEqualTo("your share of the proxy's Coldsend budget is spent");
        assertThat(key.reason()).isEqualTo("the proxy's Coldsend budget is spent");
        assertThat(key.retryAfterSeconds()).as("a unit counts a window past its lease and flight").isEqualTo(64);
        assertThat(key.upstreamOverloaded()).isFalse();
    }

    @Test
    void leasesSeveralUnitsForConcurrentMissesAndSpendsTheSurplusWithoutAskingAgain() {
        acquire(WHOLE);
        ledger.calls.clear();

        List<Grant> concurrent = concurrent(3);
        Grant fromSurplus = acquire(WHOLE);

        assertThat(concurrent).allMatch(Grant::granted);
        assertThat(ledger.calls).containsExactly("lease billing 1", "lease billing 2", "lease billing 3");
        assertThat(fromSurplus.granted()).isTrue();
        assertThat(leases.counters().leased()).isEqualTo(1 + 6);
        assertThat(leases.counters().sent()).isEqualTo(1 + 4);
        assertThat(ledger.minuteCount()).isEqualTo(7);
    }

    @Test
    void givesTheSurplusBackWhenItsLeaseEndsAndNeverSpendsItAfter() {
        acquire(WHOLE);
        concurrent(3);
        advance(LEASE_TTL);
        ledger.calls.clear();

        Grant afterLease = acquire(WHOLE);
        LeaseLedger.Status status = leases.refresh(List.of(WHOLE)).await().indefinitely();

        assertThat(afterLease.granted()).isTrue();
        assertThat(ledger.calls).as("the surplus was not spent after its lease").startsWith("lease billing 1");
        assertThat(ledger.calls).contains("giveBack 3");
        assertThat(leases.counters().givenBack()).isEqualTo(3);
        assertThat(leases.counters().stranded()).isZero();
        assertThat(status.windows().get(0).count()).as("4 + 1 sent, 3 given back").isEqualTo(5);
        assertThat(leases.counters().leased())
                .isEqualTo(leases.counters().sent() + leases.counters().givenBack() + leases.counters().stranded());
    }

    @Test
    void withoutRedisSpendsWhatItLeasedThenNothingUntilAFullHourThenAThirdAndReportsThoseSends() {
        acquire(WHOLE);
        concurrent(2);
        reachable.set(false);
        ledger.down = true;
        ledger.calls.clear();

        Grant leased = acquire(WHOLE);
        Grant cutOff = acquire(WHOLE);
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        List<Grant> localOnly = List.of(acquire(WHOLE), acquire(WHOLE), acquire(WHOLE), acquire(WHOLE));
        reachable.set(true);
        ledger.down = false;
        leases.refresh(List.of(WHOLE)).await().indefinitely();

        assertThat(leased.granted()).as("the one unit left of its lease").isTrue();
        assertThat(cutOff.granted()).isFalse();
        assertThat(cutOff.reason()).contains("unreachable");
        assertThat(cutOff.retryAfterSeconds()).isEqualTo(3600 + 4);
        assertThat(localOnly).extracting(Grant::granted).containsExactly(true, true, true, false);
        assertThat(ledger.imported).hasSize(3).allSatisfy(sent -> assertThat(sent.member()).startsWith("s:replica-a:"));
        assertThat(ledger.minuteCount()).as("the unleased sends now count in Redis").isEqualTo(3);
    }

    @Test
    void reportsItsSendsWithoutALeaseBeforeItLeasesAgainOnceRedisIsBack() {
        acquire(WHOLE);
        reachable.set(false);
        ledger.down = true;
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        List<Grant> localOnly = List.of(acquire(WHOLE), acquire(WHOLE), acquire(WHOLE));
        reachable.set(true);
        ledger.down = false;
        ledger.calls.clear();

        // Before the probe's refresh has re-reported them: the leases must be judged on windows that hold them.
        List<Grant> back = new java.util.ArrayList<>();
        for (int i = 0; i < PER_MINUTE; i++) {
            back.add(acquire(WHOLE));
        }

        assertThat(localOnly).extracting(Grant::granted).containsExactly(true, true, true);
        assertThat(ledger.calls.get(0)).as("the unleased sends are reported before any lease").startsWith("import");
        assertThat(back).filteredOn(Grant::granted).as("the minute less the 3 sent without a lease").hasSize(PER_MINUTE - 3);
        assertThat(ledger.minuteCount()).isEqualTo(PER_MINUTE);
    }

    @Test
    void staysClosedWithoutALeaseWhenRedisAnsweredRecently() {
        advance(Duration.ofHours(2).toNanos());
        leases.refresh(List.of(WHOLE)).await().indefinitely();
        reachable.set(false);

        Grant grant = acquire(WHOLE);

        assertThat(grant.granted()).isFalse();
        assertThat(grant.retryAfterSeconds()).isEqualTo(3600 + 4);
    }

    @Test
    void reReportsEverySendOfTheLastHourIntoANewEpochAndDropsUnitsOfTheLostOne() {
        InMemoryLedger strict = new InMemoryLedger(() -> now.get() / 1_000_000, COVER_MILLIS, 5_000, REPLICAS);
        Leases replica = new Leases(strict, now::get, reachable::get, "replica-a", PER_MINUTE, PER_HOUR, REPLICAS,
                LEASE_TTL, 4, SETTLE, IN_FLIGHT);
        strict.status(List.of()).await().indefinitely();
        strict.importers.add("replica-b");
        strict.importers.add("replica-c");
        replica.acquire(WHOLE).await().indefinitely();
        List.of(replica.acquire(WHOLE), replica.acquire(WHOLE)).forEach(attempt -> attempt.await().indefinitely());
        int sentBefore = (int) replica.counters().sent();

        strict.forget();
        strict.calls.clear();
        Grant fromLostLease = replica.acquire(WHOLE).await().indefinitely();
        Grant rebuilding = replica.acquire(WHOLE).await().indefinitely();
        advance(6 * SECOND);
        Grant afterRebuild = replica.acquire(WHOLE).await().indefinitely();

        assertThat(sentBefore).isEqualTo(3);
        assertThat(fromLostLease.granted()).as("a unit leased before Redis lost it, not yet known lost").isTrue();
        assertThat(strict.calls).containsExactly("lease billing 1", "import 4", "lease billing 1", "lease billing 1");
        assertThat(strict.imported).as("every send of the hour, that one included").hasSize(4);
        assertThat(rebuilding.granted()).isFalse();
        assertThat(rebuilding.reason()).contains("rebuilt");
        assertThat(rebuilding.retryAfterSeconds()).isEqualTo(5);
        assertThat(afterRebuild.granted()).isTrue();
        assertThat(strict.keyMinute).as("4 re-reported, 1 leased").hasSize(5);
    }

    @Test
    void stopsLeasingWhileColdsendAsksTheKeyToWait() {
        leases.shareHold(30_000, 429).await().indefinitely();
        Grant limited = acquire(WHOLE);
        ledger.holdUntil = 0;
        leases.shareHold(10_000, 503).await().indefinitely();
        Grant overloaded = acquire(WHOLE);

        assertThat(limited.granted()).isFalse();
        assertThat(limited.reason()).contains("rate limit");
        assertThat(limited.retryAfterSeconds()).isEqualTo(30);
        assertThat(limited.upstreamOverloaded()).isFalse();
        assertThat(overloaded.upstreamOverloaded()).isTrue();
        assertThat(overloaded.retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void sharesNoHoldWithoutRedisOrWithoutAPause() {
        leases.shareHold(0, 429).await().indefinitely();
        reachable.set(false);
        leases.shareHold(5_000, 429).await().indefinitely();

        assertThat(ledger.calls).isEmpty();
    }

    @Test
    void countsUnitsAskedForInUnansweredLeasesAndSpendsNothingUnleased() {
        acquire(WHOLE);
        ledger.loseAnswers = true;

        Grant lost = acquire(WHOLE);

        assertThat(lost.granted()).isFalse();
        assertThat(leases.counters().unanswered()).isEqualTo(1);
        assertThat(ledger.minuteCount()).as("granted by Redis, never used: counted, the safe side").isEqualTo(2);
    }

    @Test
    void strandsTheSurplusItCannotGiveBack() {
        acquire(WHOLE);
        concurrent(3);
        advance(LEASE_TTL);
        reachable.set(false);

        leases.refresh(List.of(WHOLE)).await().indefinitely();

        assertThat(leases.counters().stranded()).isEqualTo(3);
        assertThat(leases.counters().givenBack()).isZero();
    }

    @Test
    void readsTheSharedStateOnlyWhileRedisAnswers() {
        LeaseLedger.Status read = leases.refresh(List.of(WHOLE)).await().indefinitely();
        ledger.down = true;
        LeaseLedger.Status failed = leases.refresh(List.of(WHOLE)).await().indefinitely();
        reachable.set(false);
        LeaseLedger.Status skipped = leases.refresh(List.of(WHOLE)).await().indefinitely();

        assertThat(read).isNotNull();
        assertThat(read.windows()).hasSize(4);
        assertThat(failed).isNull();
        assertThat(skipped).isNull();
    }

    @Test
    void givesEveryLeasedUnitBackWhenTheReplicaStops() {
        acquire(WHOLE);
        concurrent(3);

        leases.giveBackAll().await().indefinitely();

        assertThat(leases.counters().givenBack()).isEqualTo(3);
        assertThat(ledger.minuteCount()).isEqualTo(4);
    }

    @Test
    void aUnitGrantedInAnEpochRedisLostWhileTheAnswerWasOnItsWayIsNotSpent() {
        acquire(WHOLE);
        DelayedLedger delayed = new DelayedLedger(ledger);
        Leases replica = replicaOf(delayed);
        java.util.concurrent.CompletableFuture<Grant> late = leaseAnsweredLate(replica, delayed);

        // Redis restarts empty; the replica's next ask re-reports its sends into the new epoch.
        ledger.forget();
        assertThat(replica.acquire(WHOLE).await().indefinitely().granted()).isTrue();
        long reported = ledger.imported.size();
        delayed.release();

        assertThat(late.join().granted()).as("granted by the lost epoch: re-reported nowhere").isFalse();
        assertThat(reported).isEqualTo(1);
        assertThat(replica.counters().sent()).isEqualTo(2);
    }

    @Test
    void aLostEpochsLeaseAnsweredWhileTheReReportIsOnItsWayIsNotSpent() {
        DelayedLedger delayed = new DelayedLedger(ledger);
        Leases replica = replicaOf(delayed);
        java.util.concurrent.CompletableFuture<Grant> late = leaseAnsweredLate(replica, delayed);

        // Redis restarts empty; the probe re-reports the sends, and the lost epoch's answer arrives meanwhile.
        ledger.forget();
        delayed.holdImport = true;
        java.util.concurrent.CompletableFuture<LeaseLedger.Status> probe = replica.refresh(List.of(WHOLE))
                .subscribeAsCompletionStage();
        delayed.release();
        delayed.releaseImport();
        probe.join();

        assertThat(late.join().granted()).as("granted by the lost epoch, in no snapshot of the re-report").isFalse();
    }

    @Test
    void countsItsLongestSilenceFromTheContactRedisKeepsNotFromAProbeAnsweredWhileItsSendsWereUnreported() {
        DelayedLedger delayed = new DelayedLedger(ledger);
        Leases replica = replicaOf(delayed);
        long heardAt = now.get();
        replica.refresh(List.of()).await().indefinitely();
        reachable.set(false);
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        assertThat(replica.acquire(WHOLE).await().indefinitely().granted()).as("a send without a lease").isTrue();

        advance(Duration.ofHours(2).toNanos()); // one probe gets through, its re-report does not
        reachable.set(true);
        delayed.failImports = true;
        replica.refresh(List.of()).await().indefinitely();
        reachable.set(false);
        now.set(heardAt + LocalOnlyAllowance.LONGEST_SILENCE + SECOND);
        Grant past = replica.acquire(WHOLE).await().indefinitely();

        assertThat(ledger.unreported).as("Redis kept the contact before the sends without a lease").isTrue();
        assertThat(past.granted()).as("22 h after the contact Redis keeps, though 19 h after the probe").isFalse();
    }

    @Test
    void aReReportAnsweredAfterASendWithoutALeaseLeavesThatSendToReport() {
        DelayedLedger delayed = new DelayedLedger(ledger);
        Leases replica = replicaOf(delayed);
        replica.refresh(List.of()).await().indefinitely();
        reachable.set(false);
        advance(Duration.ofHours(1).toNanos() + SETTLE);
        replica.acquire(WHOLE).await().indefinitely();

        reachable.set(true);
        delayed.holdImport = true;
        java.util.concurrent.CompletableFuture<Grant> reporting = replica.acquire(WHOLE).subscribeAsCompletionStage();
        reachable.set(false); // the re-report's answer is on its way when the path drops again
        assertThat(replica.acquire(WHOLE).await().indefinitely().granted()).as("a second send without a lease").isTrue();
        reachable.set(true);
        delayed.releaseImport();
        reporting.join();

        assertThat(ledger.imported).as("the re-report carried the first send only").hasSize(1);
        assertThat(replica.hasUnreportedSends()).isTrue();
        assertThat(ledger.unreported).as("the others keep holding its share back").isTrue();
    }

    /** A second replica, "replica-b", that reaches Redis through {@code delayed}. */
    private Leases replicaOf(DelayedLedger delayed) {
        return new Leases(delayed, now::get, reachable::get, "replica-b", PER_MINUTE, PER_HOUR, REPLICAS, LEASE_TTL, 4,
                SETTLE, IN_FLIGHT);
    }

    /** {@code replica} learns the epoch, then asks for a unit that Redis grants at once and whose answer {@code delayed} holds. */
    private static java.util.concurrent.CompletableFuture<Grant> leaseAnsweredLate(Leases replica, DelayedLedger delayed) {
        replica.acquire(WHOLE).await().indefinitely();
        delayed.holdNext = true;
        return replica.acquire(WHOLE).subscribeAsCompletionStage();
    }

    /**
     * Passes every call on, but can keep one lease's answer and one import's (each given at once by
     * the ledger) until released.
     */
    private static final class DelayedLedger implements Ledger {
        private final Ledger ledger;
        private final java.util.concurrent.CompletableFuture<Void> released = new java.util.concurrent.CompletableFuture<>();
        private final java.util.concurrent.CompletableFuture<Void> importReleased = new java.util.concurrent.CompletableFuture<>();
        boolean holdNext;
        boolean holdImport;
        /** Imports do not reach Redis (the path drops again right after a probe was answered). */
        boolean failImports;

        DelayedLedger(Ledger ledger) {
            this.ledger = ledger;
        }

        void release() {
            released.complete(null);
        }

        void releaseImport() {
            importReleased.complete(null);
        }

        @Override
        public Uni<LeaseLedger.LeaseAnswer> lease(LeaseLedger.ShareLimits share, int want, String epoch, int perMinute,
                int perHour) {
            if (!holdNext) {
                return ledger.lease(share, want, epoch, perMinute, perHour);
            }
            holdNext = false;
            LeaseLedger.LeaseAnswer answer = ledger.lease(share, want, epoch, perMinute, perHour).await().indefinitely();
            return Uni.createFrom().completionStage(released).replaceWith(answer);
        }

        @Override
        public Uni<String> importSends(String epoch, String replica, List<LeaseLedger.Sent> sends) {
            if (failImports) {
                return Uni.createFrom().failure(new dev.coldsendproxy.cluster.RedisUnavailableException("down again", null));
            }
            if (!holdImport) {
                return ledger.importSends(epoch, replica, sends);
            }
            holdImport = false;
            String recorded = ledger.importSends(epoch, replica, sends).await().indefinitely();
            return Uni.createFrom().completionStage(importReleased).replaceWith(recorded);
        }

        @Override
        public Uni<Void> giveBack(String epoch, String consumer, List<String> members) {
            return ledger.giveBack(epoch, consumer, members);
        }

        @Override
        public Uni<Void> hold(long millis, int status) {
            return ledger.hold(millis, status);
        }

        @Override
        public Uni<LeaseLedger.Status> status(List<LeaseLedger.ShareLimits> shares) {
            return ledger.status(shares);
        }

        @Override
        public void unreportedSends(boolean any) {
            ledger.unreportedSends(any);
        }

        @Override
        public Uni<Void> leave() {
            return ledger.leave();
        }
    }

    /** A probe that Redis answers: the others now know this replica, and hold its share back when it falls silent. */
    private void heardFromRedisOnce() {
        leases.refresh(List.of()).await().indefinitely();
    }

    private Grant acquire(LeaseLedger.ShareLimits share) {
        return leases.acquire(share).await().indefinitely();
    }

    /** {@code count} attempts that ask before any is answered, as concurrent misses do. */
    private List<Grant> concurrent(int count) {
        List<Uni<Grant>> asked = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            asked.add(leases.acquire(WHOLE));
        }
        return asked.stream().map(attempt -> attempt.await().indefinitely()).toList();
    }

    private void advance(long nanos) {
        now.addAndGet(nanos);
    }
}
