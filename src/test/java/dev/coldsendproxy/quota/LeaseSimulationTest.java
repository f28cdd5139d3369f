package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coldsendproxy.cluster.RedisCommands;
import dev.coldsendproxy.cluster.RedisKeys;
import dev.coldsendproxy.cluster.RedisUnavailableException;
import dev.coldsendproxy.support.RedisClientOnServer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The lease protocol ({@link Leases} against the real {@link LeaseLedger} scripts in a real
 * redis-server) driven through thousands of random steps on one manual clock: sends from three
 * replicas and two consumers, time passing (seconds, minutes, now and then more than an hour),
 * Redis down for everyone, one replica alone cut off from it, answers lost after Redis acted (a command slower than the timeout),
 * Redis restarted empty, replicas killed and started anew, and Redis's clock stepped forward or
 * back. After every send, the sends of
 * all replicas together are checked against both limits in the sliding minute and hour that end
 * with it.
 */
class LeaseSimulationTest {

    private static final int PER_MINUTE = 10;
    private static final int PER_HOUR = 40;
    private static final int REPLICAS = 3;
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long LEASE_TTL = 2 * SECOND;
    /** Ten probes without an answer: the others hold a replica's share back (ClusterQuota.SILENT_AFTER_PROBES). */
    private static final long SILENT_AFTER = 10 * SECOND;
    /** A lease's life, a missed probe and the silent-after: a full window past it, the others held this one's share back. */
    private static final long SETTLE = 4 * SECOND + SILENT_AFTER;
    private static final int STEPS = 4000;
    /** How long a new replica leases nothing: the simulated probe interval (1 s) plus LeaseLedger.STEP_MILLIS. */
    private static final long SETTLE_MILLIS = 2_000;

    @RegisterExtension
    final RedisClientOnServer local = new RedisClientOnServer();
    private final AtomicLong clock = new AtomicLong(Duration.ofDays(1).toNanos());
    private final List<Long> sends = new ArrayList<>();
    private final List<Replica> replicas = new ArrayList<>();
    private Random random;
    private boolean redisDown;
    private double loseAnswers;
    private int replicaStarts;
    /**
     * When Redis, and when a replica, last lost its memory. One fault at a time: when both lose
     * their memory within the same hour, the sends made before by the replica that died are known
     * to nobody, and no design can count them (README, "Never over the key's limits").
     */
    private long redisRestartedAt = Long.MIN_VALUE / 2;
    private long replicaRestartedAt = Long.MIN_VALUE / 2;
    /**
     * How far Redis's clock is off the replicas' (steps forward and back), and when it last
     * stepped. A step is seen by a replica that ran a script before it, so it is one fault, as a
     * restart is: a replica or Redis that starts with no memory within the same hour could miss it.
     */
    private long redisClockStep;
    private long redisClockSteppedAt = Long.MIN_VALUE / 2;
    /** The last steps, for the failure message. */
    private final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3 })
    void neverSendsMoreThanEitherLimitWhateverRedisAndTheReplicasDo(long seed) {
        random = new Random(seed);
        for (int i = 0; i < REPLICAS; i++) {
            replicas.add(newReplica());
        }
        int granted = 0;
        for (int step = 0; step < STEPS; step++) {
            int dice = random.nextInt(100);
            if (dice < 60) {
                granted += send() ? 1 : 0;
            } else if (dice < 85) {
                advance(random.nextInt(100) < 97 ? random.nextInt(3 * (int) (SECOND / 1_000_000)) * 1_000_000L
                        : Duration.ofMinutes(1 + random.nextInt(70)).toNanos());
            } else if (dice < 88) {
                redisDown = !redisDown;
                note("redis " + (redisDown ? "down" : "up"));
            } else if (dice < 90) {
                cutOffOrReconnect(replicas.get(random.nextInt(REPLICAS)));
            } else if (dice < 93) {
                loseAnswers = loseAnswers > 0 ? 0 : 0.3;
                note("lose answers " + loseAnswers);
            } else if (dice < 95 && clock.get() - replicaRestartedAt >= Units.HOUR && clock.get() - redisClockSteppedAt >= Units.HOUR
                    && replicas.stream().noneMatch(replica -> replica.cutOff)) {
                restartRedisEmpty();
                redisRestartedAt = clock.get();
                note("redis restarted empty");
            } else if (dice < 97 && clock.get() - redisRestartedAt >= Units.HOUR && clock.get() - redisClockSteppedAt >= Units.HOUR) {
                int which = random.nextInt(REPLICAS);
                if (replicas.get(which).cutOff || replicas.get(which).leases.hasUnreportedSends()) {
                    continue; // its sends without a lease would die with it: two memories lost
                }
                replicas.set(which, newReplica());
                replicaRestartedAt = clock.get();
                note("replica " + which + " restarted");
            } else if (dice < 98 && clock.get() - redisRestartedAt >= Units.HOUR && clock.get() - replicaRestartedAt >= Units.HOUR) {
                stepRedisClock();
            } else {
                probeAll();
            }
        }
        long stranded = replicas.stream().mapToLong(replica -> replica.leases.counters().stranded()).sum();
        // Cut off alone, a replica spends nothing for an hour, and the others leave its share: less is spent than without cut-offs.
        assertThat(granted).as("the simulation must really spend the budget").isGreaterThan(STEPS / 40);
        assertThat(stranded).as("units stranded by the current replicas").isLessThan(granted);
    }

    @org.junit.jupiter.api.Test
    void leasesNothingWhenOtherConsumersGuaranteesLeaveNoRoomAndSaysToWaitAWindow() {
        random = new Random(11);
        Replica replica = settled(1).get(0);
        LeaseLedger.ShareLimits uncapped = new LeaseLedger.ShareLimits("bulk", PER_MINUTE, PER_HOUR);

        Grant noRoom = replica.leases.acquire(uncapped, 0, PER_HOUR).await().atMost(Duration.ofSeconds(10));
        Grant room = replica.leases.acquire(uncapped, 1, PER_HOUR).await().atMost(Duration.ofSeconds(10));

        assertThat(noRoom.granted()).isFalse();
        assertThat(noRoom.retryAfterSeconds()).isEqualTo(60);
        assertThat(room.granted()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void aForwardStepOfRedisClockLeavesTheMinutesUnitsCounted() {
        random = new Random(13);
        List<Replica> both = settled(2);
        Replica first = both.get(0);
        Replica second = both.get(1);
        LeaseLedger.ShareLimits whole = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);
        int sentByFirst = 0;
        for (int i = 0; i < PER_MINUTE; i++) {
            sentByFirst += first.leases.acquire(whole).await().atMost(Duration.ofSeconds(10)).granted() ? 1 : 0;
        }

        redisClockStep += 65 * SECOND; // NTP steps Redis's host a minute and more ahead
        advance(SECOND);
        Grant afterTheStep = second.leases.acquire(whole).await().atMost(Duration.ofSeconds(10));

        assertThat(sentByFirst).isEqualTo(PER_MINUTE);
        assertThat(afterTheStep.granted()).as("a second after %d sends, whatever Redis's clock says", PER_MINUTE).isFalse();
        assertThat(afterTheStep.retryAfterSeconds()).isBetween(55L, 65L);
    }

    @org.junit.jupiter.api.Test
    void aReplicaStartedRightAfterAForwardStepLeasesNothingUntilAnOlderOneHasSeenIt() {
        random = new Random(19);
        Replica first = settled(1).get(0);
        LeaseLedger.ShareLimits whole = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);
        for (int i = 0; i < PER_MINUTE; i++) {
            assertThat(first.leases.acquire(whole).await().atMost(Duration.ofSeconds(10)).granted()).isTrue();
        }

        redisClockStep += 65 * SECOND; // NTP steps Redis ahead...
        advance(SECOND / 2);
        Replica second = newReplica(); // ...and a new replica takes calls before the first one's next probe
        int sentBySecond = 0;
        for (int i = 0; i < PER_MINUTE; i++) {
            sentBySecond += second.leases.acquire(whole).await().atMost(Duration.ofSeconds(10)).granted() ? 1 : 0;
        }
        advance(SECOND / 2);
        first.probe(); // sees the step
        advance(2 * SECOND); // the new replica has settled
        int sentAfterwards = 0;
        for (Replica replica : List.of(first, second)) {
            sentAfterwards += replica.leases.acquire(whole).await().atMost(Duration.ofSeconds(10)).granted() ? 1 : 0;
        }

        assertThat(sentBySecond).as("a new replica trims and leases nothing while it settles").isZero();
        assertThat(sentAfterwards).as("3 s after %d sends, whatever Redis's clock says", PER_MINUTE).isZero();
    }

    @org.junit.jupiter.api.Test
    void aHoldColdsendAskedForEndsOnTheScriptsClockWhateverRedisKeyExpiryDoes() {
        random = new Random(17);
        Replica replica = settled(1).get(0);
        LeaseLedger.ShareLimits whole = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);
        replica.leases.shareHold(30_000, 429).await().atMost(Duration.ofSeconds(10));

        redisClockStep += 65 * SECOND; // Redis's clock steps ahead: its key expiry would end the hold now
        advance(SECOND);
        Grant stillHeld = replica.leases.acquire(whole).await().atMost(Duration.ofSeconds(10));
        advance(30 * SECOND);
        Grant afterIt = replica.leases.acquire(whole).await().atMost(Duration.ofSeconds(10));

        assertThat(stillHeld.granted()).isFalse();
        assertThat(stillHeld.retryAfterSeconds()).as("what is left of the 30 s, a second later").isEqualTo(29);
        assertThat(afterIt.granted()).as("over after 30 s of the scripts' clock, not of Redis's key expiry").isTrue();
    }

    @org.junit.jupiter.api.Test
    void aReplicaCutOffAloneSpendsItsShareOnItsOwnWhileTheOthersLeaveItRoom() {
        Replica cut = cutOffPastItsHour(23);

        int alone = spend(cut, PER_MINUTE);
        int others = spend(replicas.get(0), PER_MINUTE) + spend(replicas.get(1), PER_MINUTE);
        LeaseLedger.Status seen = replicas.get(0).leases.refresh(List.of()).await().atMost(Duration.ofSeconds(10));

        assertThat(alone).as("its share of the minute, 10 / 3").isEqualTo(3);
        assertThat(others).as("what the other two leased in the same minute").isEqualTo(PER_MINUTE - 3);
        assertThat(seen.replicasAway()).isEqualTo(1);
        assertThat(seen.heldPerMinute()).isEqualTo(3);
        assertThat(seen.heldPerHour()).as("40 / 3").isEqualTo(13);
    }

    @org.junit.jupiter.api.Test
    void aReplicaThatDiedIsHeldBackOnlyUntilItsSuccessorTalksToRedis() {
        random = new Random(29);
        replicas.addAll(settled(REPLICAS));
        replicas.remove(2); // killed: no goodbye, its record stays
        advance(Duration.ofMinutes(5).toNanos());
        int whileTwoTalk = spend(replicas.get(0), PER_MINUTE);

        advance(Units.MINUTE);
        replicas.add(newReplica()); // its successor
        advance(3 * SILENT_AFTER + 2 * SECOND);
        int onceThreeTalk = spend(replicas.get(0), PER_MINUTE);

        assertThat(whileTwoTalk).as("the dead one may be cut off instead: its share is held back").isEqualTo(PER_MINUTE - 3);
        assertThat(onceThreeTalk).as("three replicas talk: nobody else can be spending").isEqualTo(PER_MINUTE);
    }

    @org.junit.jupiter.api.Test
    void aReplicaThatStoppedAndSaidSoIsNotHeldBack() {
        random = new Random(31);
        replicas.addAll(settled(REPLICAS));
        Replica stopped = replicas.remove(2);
        stopped.leases.giveBackAll().await().atMost(Duration.ofSeconds(10));
        advance(Duration.ofMinutes(5).toNanos());

        assertThat(spend(replicas.get(0), PER_MINUTE)).isEqualTo(PER_MINUTE);
    }

    @org.junit.jupiter.api.Test
    void aReplicaWhoseDeathOverlapsItsSuccessorsStartStillLeavesTheCutOffOneItsShare() {
        Replica cut = cutOffPastItsHour(37);
        int alone = spend(cut, PER_MINUTE);

        replicas.set(1, newReplica()); // the second dies and a successor talks at once: three look alive
        replicas.get(1).probe();
        advance(2 * SECOND); // the successor has settled; the dead one's record is younger than SILENT_AFTER
        int others = spend(replicas.get(0), PER_MINUTE) + spend(replicas.get(1), PER_MINUTE);

        assertThat(alone).isEqualTo(3);
        assertThat(others).as("the count of replicas away falls only once it stayed lower for 3 x SILENT_AFTER")
                .isEqualTo(PER_MINUTE - 3);
    }

    @org.junit.jupiter.api.Test
    void aStepBackOfRedisClockDoesNotHoldACutOffReplicasShareBackLate() {
        random = new Random(41);
        replicas.addAll(settled(REPLICAS));
        Replica cut = replicas.get(2);
        cut.cutOff = true;
        redisClockStep -= Duration.ofMinutes(10).toNanos(); // NTP steps Redis's host 10 minutes back
        advance(Duration.ofMinutes(5).toNanos());
        int others = 0;
        for (int minute = 0; minute < 5; minute++) { // a unit counts its lease's life past its minute too
            others += spend(replicas.get(0), PER_MINUTE);
            advance(Units.MINUTE + LEASE_TTL);
        }
        advance(Units.HOUR + SETTLE - Duration.ofMinutes(10).toNanos() - 5 * LEASE_TTL + SECOND);
        int alone = spend(cut, PER_MINUTE);

        assertThat(others).as("the hour less the cut-off one's share, 40 / 3, held back from its 10th second of silence")
                .isEqualTo(PER_HOUR - 13);
        assertThat(alone).isEqualTo(3);
    }

    /** Three settled replicas, the third cut off alone from Redis until its local-only allowance has opened. */
    private Replica cutOffPastItsHour(long seed) {
        random = new Random(seed);
        replicas.addAll(settled(REPLICAS));
        Replica cut = replicas.get(2);
        cut.cutOff = true;
        advance(Units.HOUR + SETTLE + SECOND);
        return cut;
    }

    /** Up to {@code tries} attempts from {@code replica} at once; the granted ones are sends, checked. */
    private int spend(Replica replica, int tries) {
        LeaseLedger.ShareLimits whole = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);
        int granted = 0;
        for (int i = 0; i < tries; i++) {
            if (replica.leases.acquire(whole).await().atMost(Duration.ofSeconds(10)).granted()) {
                sends.add(clock.get());
                assertWithinLimits(clock.get());
                granted++;
            }
        }
        return granted;
    }

    @org.junit.jupiter.api.Test
    void strandsUnderFivePercentOfAWindowInSteadyTrafficWithConcurrentMisses() {
        random = new Random(7);
        for (int i = 0; i < REPLICAS; i++) {
            replicas.add(newReplica());
        }
        LeaseLedger.ShareLimits share = new LeaseLedger.ShareLimits("billing", PER_MINUTE, PER_HOUR);
        int sent = 0;
        for (int round = 0; round < 200; round++) {
            // Three misses at once on one replica: the later ones ask for more than one unit.
            Replica replica = replicas.get(round % REPLICAS);
            List<Uni<Grant>> concurrent = List.of(replica.leases.acquire(share), replica.leases.acquire(share),
                    replica.leases.acquire(share));
            for (Uni<Grant> attempt : concurrent) {
                if (attempt.await().atMost(Duration.ofSeconds(10)).granted()) {
                    sends.add(clock.get());
                    assertWithinLimits(clock.get());
                    sent++;
                }
            }
            advance(20 * SECOND);
        }
        long leased = replicas.stream().mapToLong(r -> r.leases.counters().leased()).sum();
        long givenBack = replicas.stream().mapToLong(r -> r.leases.counters().givenBack()).sum();
        long stranded = replicas.stream().mapToLong(r -> r.leases.counters().stranded()).sum();

        assertThat(sent).as("the hour's budget is spent, twice over 67 minutes").isGreaterThanOrEqualTo(2 * PER_HOUR - 5);
        assertThat(leased).as("every unit leased was sent or given back").isEqualTo(sent + givenBack + stranded);
        assertThat(stranded).as("stranded units against 5%% of a minute's %d", PER_MINUTE)
                .isLessThanOrEqualTo(PER_MINUTE / 20);
    }

    /**
     * Cuts {@code replica} alone off from Redis (a network policy, a rotated password), or gives
     * its path back. Only a replica Redis has a record of is cut off: one that Redis restarted
     * empty had never heard from is unknown to the others, as after two faults at once.
     */
    private void cutOffOrReconnect(Replica replica) {
        if (!replica.cutOff && !local.redis().hash(String.class).hexists(new RedisKeys("sim").quotaEpoch(), "heard:" + replica.name)
                .await().atMost(Duration.ofSeconds(10))) {
            return;
        }
        replica.cutOff = !replica.cutOff;
        note(replica.name + (replica.cutOff ? " cut off" : " reconnected"));
    }

    /** One attempt on a random replica for a random consumer; a granted one is a send, checked at once. */
    private boolean send() {
        Replica replica = replicas.get(random.nextInt(REPLICAS));
        LeaseLedger.ShareLimits share = random.nextBoolean()
                ? new LeaseLedger.ShareLimits("billing", Units.shareOf(0.6, PER_MINUTE), Units.shareOf(0.6, PER_HOUR))
                : new LeaseLedger.ShareLimits("crm", Units.shareOf(0.6, PER_MINUTE), Units.shareOf(0.6, PER_HOUR));
        Grant grant = replica.leases.acquire(share).await().atMost(Duration.ofSeconds(10));
        note(replica.name + " " + share.consumer() + (grant.granted() ? " SENT" : " refused: " + grant.reason()));
        if (!grant.granted()) {
            assertThat(grant.retryAfterSeconds()).isPositive();
            return false;
        }
        long now = clock.get();
        sends.add(now);
        assertWithinLimits(now);
        return true;
    }

    private void assertWithinLimits(long now) {
        int minute = 0;
        int hour = 0;
        for (int i = sends.size() - 1; i >= 0 && now - sends.get(i) < Units.HOUR; i--) {
            hour++;
            if (now - sends.get(i) < Units.MINUTE) {
                minute++;
            }
        }
        assertThat(minute).as("sends in the minute ending at send %d; last steps:%n%s", sends.size(), String.join("\n", trace)).isLessThanOrEqualTo(PER_MINUTE);
        assertThat(hour).as("sends in the hour ending at send %d; last steps:%n%s", sends.size(), String.join("\n", trace)).isLessThanOrEqualTo(PER_HOUR);
    }

    private void note(String event) {
        trace.addLast(String.format("t=%.3fs %s", (clock.get() - Duration.ofDays(1).toNanos()) / 1e9, event));
        if (trace.size() > 60) {
            trace.removeFirst();
        }
    }

    /**
     * Time passes; while Redis answers, each replica's probe runs every second: in the first ten,
     * and in the last {@code 3 x SILENT_AFTER} and one, the time a replica that skipped probes takes
     * to look like talking again (a script tells Redis when the one before it was answered). The
     * seconds between are skipped, their probes with them.
     */
    private void advance(long nanos) {
        note("advance " + nanos / 1_000_000 + " ms");
        long end = clock.get() + nanos;
        long skipFrom = clock.get() + 10 * SECOND;
        long skipTo = end - 3 * SILENT_AFTER - SECOND;
        while (clock.get() < end) {
            if (clock.get() >= skipFrom && clock.get() < skipTo) {
                clock.set(skipTo);
            } else {
                clock.addAndGet(Math.min(SECOND, end - clock.get()));
            }
            probeAll();
        }
    }

    private void probeAll() {
        for (Replica replica : replicas) {
            replica.probe();
        }
    }

    /**
     * Steps Redis's clock (its {@code TIME}) forward or back by 2 s to a minute, as NTP may at a
     * host's boot; the replicas' own clocks run on. Forward, it would make every unit look older.
     */
    private void stepRedisClock() {
        long step = (2 + random.nextInt(59)) * SECOND * (random.nextBoolean() ? 1 : -1);
        redisClockStep += step;
        redisClockSteppedAt = clock.get();
        note("redis clock stepped " + step / SECOND + " s");
    }

    private void restartRedisEmpty() {
        local.redis().flushall().await().atMost(Duration.ofSeconds(10));
    }

    /** {@code count} new replicas that probed, once before and once past the rebuild wait of a new epoch. */
    private List<Replica> settled(int count) {
        List<Replica> started = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            started.add(newReplica());
        }
        started.forEach(Replica::probe);
        advance(6 * SECOND);
        started.forEach(Replica::probe);
        return started;
    }

    private Replica newReplica() {
        return new Replica("replica-" + replicaStarts++);
    }

    /** One replica: its leases, and the tier's mode as RedisTier keeps it (local-only after a failure, shared after a ping). */
    private final class Replica implements RedisCommands {

        final Leases leases;
        final String name;
        boolean shared = true;
        /** Redis cannot be reached from this replica alone. */
        boolean cutOff;

        Replica(String name) {
            this.name = name;
            LeaseLedger ledger = new LeaseLedger(this, new RedisKeys("sim"),
                    new LeaseLedger.Settings(PER_MINUTE, PER_HOUR, LEASE_TTL / 1_000_000, 5_000, REPLICAS,
                    SETTLE_MILLIS, SILENT_AFTER / 1_000_000), name,
                    () -> clock.get() / 1_000_000, () -> (clock.get() + redisClockStep) / 1_000_000);
            leases = new Leases(ledger, clock::get, () -> shared, name, PER_MINUTE, PER_HOUR, REPLICAS, LEASE_TTL, 4, SETTLE,
                    /* inFlightNanos= */ 0);
        }

        /** The ping that returns a replica to shared mode, then the quota's own probe. */
        void probe() {
            if (!redisDown && !cutOff) {
                shared = true;
            }
            leases.refresh(List.of()).await().atMost(Duration.ofSeconds(10));
        }

        @Override
        public <T> Uni<T> call(Function<ReactiveRedisDataSource, Uni<T>> command) {
            if (redisDown || cutOff) {
                shared = false;
                return Uni.createFrom().failure(new RedisUnavailableException("down", null));
            }
            T answer = command.apply(local.redis()).await().atMost(Duration.ofSeconds(10));
            if (random.nextDouble() < loseAnswers) {
                note(name + " lost an answer");
                shared = false;
                return Uni.createFrom().failure(new RedisUnavailableException("answered too late", null));
            }
            return Uni.createFrom().item(answer);
        }
    }
}
