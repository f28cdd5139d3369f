package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.coldsendproxy.cluster.RedisCommands;
import dev.coldsendproxy.cluster.RedisKeys;
import dev.coldsendproxy.support.RedisClientOnServer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * The lease scripts' records of each replica in the epoch hash, in a real redis-server on a given
 * clock: records written before the first script was recorded too, and the records a settling
 * replica must leave for the others.
 */
class LeaseLedgerRecordsTest {

    @RegisterExtension
    final RedisClientOnServer local = new RedisClientOnServer();
    private final RedisKeys keys = new RedisKeys("sim");

    private LeaseLedger ledger(String replica, long nowMillis) {
        return ledger(replica, () -> 5_000_000L, () -> nowMillis);
    }

    /**
     * Records in the two-field shape ("now:mono", written before the first script was kept too)
     * of replicas stopped long ago: once the hash has more than 64 fields, the clean-up parses them.
     */
    @Test
    void theNewScriptsStillRunWhenTheHashHoldsRecordsInTheFormerTwoFieldFormat() {
        long now = 86_400_000L * 400;
        for (int i = 0; i < 70; i++) {
            local.redis().hash(String.class).hset(keys.quotaEpoch(), "seen:old-" + i, (now - 3_600_000L) + ":" + (1_000 + i))
                    .await().atMost(Duration.ofSeconds(5));
        }

        LeaseLedger.Status status = ledger("upgraded", now).status(List.of()).await().atMost(Duration.ofSeconds(5));

        assertThat(status.epoch()).isNotNull();
    }

    /**
     * A new replica starts just after Redis's clock stepped 15 minutes ahead, while the hash holds
     * more than 64 fields: its script is to trim nothing while it settles, yet its clean-up of
     * seen records runs on the stepped clock and deletes the older replica's record, so the older
     * one can no longer see the step.
     */
    @Test
    void aSettlingReplicaDoesNotDeleteTheRecordsThatLetOlderReplicasSeeAStep() {
        long t = 86_400_000L * 400;
        AtomicLong redisNow = new AtomicLong(t);
        AtomicLong oldMono = new AtomicLong(1_000_000L);
        LeaseLedger old = ledger("old", oldMono::get, redisNow::get);
        old.status(List.of()).await().atMost(Duration.ofSeconds(5));
        for (int i = 0; i < 70; i++) { // other live replicas' records
            local.redis().hash(String.class).hset(keys.quotaEpoch(), "seen:live-" + i, t + ":" + (2_000 + i) + ":" + (2_000 + i))
                    .await().atMost(Duration.ofSeconds(5));
        }

        redisNow.set(t + 900_000 + 500); // NTP steps Redis 15 min ahead; half a second passes
        ledger("new", () -> 7_000_000L, redisNow::get).status(List.of()).await().atMost(Duration.ofSeconds(5));
        redisNow.addAndGet(500);
        oldMono.addAndGet(1_000); // the older replica's next probe
        old.status(List.of()).await().atMost(Duration.ofSeconds(5));

        String offset = local.redis().hash(String.class).hget(keys.quotaEpoch(), "offset").await().atMost(Duration.ofSeconds(5));
        assertThat(offset).as("the step the older replica must see").isNotNull();
        assertThat(Long.parseLong(offset)).isGreaterThan(899_000L);
    }

    /**
     * A replica's record of contact is when it sent the last script Redis answered, and it stays
     * as it was while the replica has sends Redis does not know, until its import is recorded.
     */
    @Test
    void theRecordOfContactMovesWithAnsweredScriptsButNotWhileSendsAreUnreported() {
        long t = 86_400_000L * 400;
        AtomicLong redisNow = new AtomicLong(t);
        AtomicLong mono = new AtomicLong(1_000_000L);
        LeaseLedger replica = ledger("a", mono::get, redisNow::get);
        String epoch = replica.status(List.of()).await().atMost(Duration.ofSeconds(5)).epoch();

        redisNow.addAndGet(5_000);
        mono.addAndGet(5_000);
        replica.status(List.of()).await().atMost(Duration.ofSeconds(5));
        long afterAnswers = heard("a");
        replica.unreportedSends(true);
        redisNow.addAndGet(5_000);
        mono.addAndGet(5_000);
        replica.status(List.of()).await().atMost(Duration.ofSeconds(5));
        long whileUnreported = heard("a");
        redisNow.addAndGet(1_000);
        mono.addAndGet(1_000);
        replica.importSends(epoch, "a", List.of()).await().atMost(Duration.ofSeconds(5));
        long onceImported = heard("a");

        assertThat(afterAnswers).as("when the script before it was sent").isEqualTo(t);
        assertThat(whileUnreported).isEqualTo(t);
        assertThat(onceImported).as("when the script before the import was sent").isEqualTo(t + 10_000);
    }

    /**
     * A host suspended 10 s (its monotonic clock stopped, Redis's ran on): its next script sees a
     * step forward and undoes it, once. The records of contact must not then see a step back on
     * every other replica's script, and the two corrections swing for ever: the windows' clock
     * would run back 9 s a second and trim nothing, refusing every lease.
     */
    @Test
    void aSuspendedHostsCorrectionHappensOnceAndDoesNotSwingBetweenReplicas() {
        long t = 86_400_000L * 400;
        AtomicLong redisNow = new AtomicLong(t);
        AtomicLong monoA = new AtomicLong(1_000_000L);
        AtomicLong monoB = new AtomicLong(5_000_000L);
        LeaseLedger a = ledger("a", monoA::get, redisNow::get);
        LeaseLedger b = ledger("b", monoB::get, redisNow::get);
        for (int round = 0; round < 3; round++) { // both settle
            redisNow.addAndGet(1_000);
            monoA.addAndGet(1_000);
            monoB.addAndGet(1_000);
            a.status(List.of()).await().atMost(Duration.ofSeconds(5));
            b.status(List.of()).await().atMost(Duration.ofSeconds(5));
        }

        for (int second = 0; second < 10; second++) { // a's host is suspended: Redis's clock and b run on
            redisNow.addAndGet(1_000);
            monoB.addAndGet(1_000);
            b.status(List.of()).await().atMost(Duration.ofSeconds(5));
        }
        for (int round = 0; round < 6; round++) {
            redisNow.addAndGet(1_000);
            monoA.addAndGet(1_000);
            monoB.addAndGet(1_000);
            a.status(List.of()).await().atMost(Duration.ofSeconds(5));
            b.status(List.of()).await().atMost(Duration.ofSeconds(5));
        }
        long heardB = heard("b");

        assertThat(field("offset")).as("the suspension, undone once").isEqualTo(10_000);
        assertThat(field("back")).as("and its effect on the records of contact, once, to within a probe")
                .isBetween(9_000L, 10_000L);
        assertThat(heardB).as("b's record runs on with Redis's clock, to within a probe").isBetween(t + 16_000, t + 19_000);
    }

    private long field(String name) {
        String value = local.redis().hash(String.class).hget(keys.quotaEpoch(), name).await().atMost(Duration.ofSeconds(5));
        return value == null ? 0 : Long.parseLong(value);
    }

    @Test
    void aReplicaThatLeavesTakesItsRecordsWithIt() {
        LeaseLedger replica = ledger("a", 86_400_000L * 400);
        replica.status(List.of()).await().atMost(Duration.ofSeconds(5));

        replica.leave().await().atMost(Duration.ofSeconds(5));

        assertThat(local.redis().hash(String.class).hgetall(keys.quotaEpoch()).await().atMost(Duration.ofSeconds(5)))
                .doesNotContainKeys("seen:a", "heard:a");
    }

    private long heard(String replica) {
        return Long.parseLong(local.redis().hash(String.class).hget(keys.quotaEpoch(), "heard:" + replica)
                .await().atMost(Duration.ofSeconds(5)));
    }

    private LeaseLedger ledger(String replica, LongSupplier mono, LongSupplier clock) {
        RedisCommands direct = new RedisCommands() {
            @Override
            public <T> Uni<T> call(Function<ReactiveRedisDataSource, Uni<T>> command) {
                return command.apply(local.redis());
            }
        };
        return new LeaseLedger(direct, keys, new LeaseLedger.Settings(10, 40, 2_000, 5_000, 1, 1_250, 10_000), replica, mono, clock);
    }
}
