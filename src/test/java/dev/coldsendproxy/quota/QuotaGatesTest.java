package dev.coldsendproxy.quota;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cluster.DisabledRedisTier;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.upstream.AttemptGate;
import dev.coldsendproxy.upstream.AttemptRefusedException;

/** Which gate an upstream call passes: the local governor alone, or a lease from the shared budget first. */
class QuotaGatesTest {

    private static final Consumer CRM = new Consumer("crm-sync", 1.0);

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);

    @Test
    void paysFromTheLocalGovernorAloneWhenTheRedisTierIsDisabled() {
        ClusterQuota disabled = new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(),
                Configs.quota(10, 100), new InFlight(Duration.ofSeconds(2)), governor, now::get, /* vertx= */ null);
        QuotaGates gates = new QuotaGates(governor, disabled, null);

        gates.forConsumer(CRM).beforeAttempt().await().indefinitely();
        gates.forConsumer(CRM, /* cold= */ true).beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).isEqualTo(8);
    }

    @Test
    void aColdAsksUnitPaidAtAdmissionServesAFirstAttemptThatStartsAtOnce() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);

        AttemptGate gate = coldGrant(gates);
        gate.beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).as("one unit for the ask and its first attempt")
                .isEqualTo(9);
    }

    @Test
    void aFirstAttemptThatStartsLateIsCountedFromWhenItGoesOutAndWastesNoUnit() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);
        AttemptGate late = coldGrant(gates);

        // The call waits 3 s in the bulkhead's queue; Coldsend counts the send from when it arrives.
        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        late.beforeAttempt().await().indefinitely();
        int whenSent = governor.budget(CRM.name(), CRM.share()).remaining();
        now.addAndGet(TimeUnit.SECONDS.toNanos(58)); // a minute and a second after the grant
        int aMinuteAfterTheGrant = governor.budget(CRM.name(), CRM.share()).remaining();
        now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // a minute after the send
        int aMinuteAfterTheSend = governor.budget(CRM.name(), CRM.share()).remaining();

        assertThat(whenSent).as("its own unit, not a second one").isEqualTo(9);
        assertThat(aMinuteAfterTheGrant).as("still counted: sent 3 s after its grant").isEqualTo(9);
        assertThat(aMinuteAfterTheSend).isEqualTo(10);
    }

    @Test
    void aLateFirstAttemptIsNotSentWhileColdsendAsksTheKeyToWait() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);
        AttemptGate late = coldGrant(gates);

        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        governor.observe(429, null, null, 30L);
        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> late.beforeAttempt().await().indefinitely());

        assertThat(refused).as("Coldsend's 429 came while it waited: not sent").isNotNull();
    }

    @Test
    void aLateFirstAttemptSendsTheLastUnitColdsendSaidWasLeftWhenItWasGrantedThatUnit() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);
        long reset = resetIn30Seconds();
        governor.observe(200, 1L, reset, null);
        AttemptGate late = coldGrant(gates);

        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        late.beforeAttempt().await().indefinitely();

        // The key's minute window (the headers say 0 now: Coldsend's count of 1 is spent).
        assertThat(governor.sharedRemaining()[0]).as("the unit Coldsend said was left, sent once").isEqualTo(9);
    }

    @Test
    void aLateFirstAttemptNeedsAUnitOfTheCountColdsendSaidSinceItsGrant() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);
        long reset = resetIn30Seconds();
        governor.observe(200, 3L, reset, null);
        AttemptGate late = coldGrant(gates);

        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        gates.forConsumer(CRM).beforeAttempt().await().indefinitely();
        // Another system spent one unit meanwhile: the answer says 1 remains, a count without the unsent unit.
        governor.observe(200, 1L, reset, null);
        gates.forConsumer(CRM).beforeAttempt().await().indefinitely(); // takes that last unit
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> late.beforeAttempt().await().indefinitely());

        assertThat(refused).as("it would be the second request on Coldsend's last unit").isNotNull();
    }

    @Test
    void aLateFirstAttemptIsNotSentWhenColdsendSaidNoneRemainSinceItsGrant() {
        QuotaGates gates = new QuotaGates(governor, disabled(), null);
        long reset = resetIn30Seconds();
        governor.observe(200, 2L, reset, null);
        AttemptGate late = coldGrant(gates);

        // Another system spent the key's last unit while the call waited: Coldsend's count says so.
        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        governor.observe(200, 0L, reset, null);
        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> late.beforeAttempt().await().indefinitely());

        assertThat(refused).as("Coldsend said none remain after the grant").isNotNull();
    }

    @Test
    void aLateFirstAttemptWithTheRedisTierGoesOnItsLeasedUnitWhileItsLeaseCoversTheSend() {
        Grant leased = Grant.leased(now.get() + TimeUnit.SECONDS.toNanos(2));
        QuotaGates gates = new QuotaGates(governor, new StubClusterQuota(governor, now::get, leased, true), null);
        AttemptGate late = coldGrant(gates);

        // A cold JVM's first call: it starts 300 ms after its grant, well before its lease ends.
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        late.beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).as("its leased unit, no second lease")
                .isEqualTo(9);
    }

    @Test
    void aLateFirstAttemptWithTheRedisTierPaysAnewOnceItsLeaseNoLongerCoversTheSend() {
        Grant leased = Grant.leased(now.get() + TimeUnit.SECONDS.toNanos(2));
        QuotaGates gates = new QuotaGates(governor, new StubClusterQuota(governor, now::get, leased, true), null);
        AttemptGate late = coldGrant(gates);

        // The lease ended 100 ms ago, and its grace with it: Redis no longer covers a send that starts now.
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2101));
        late.beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).as("a second lease, a second unit").isEqualTo(8);
    }

    @Test
    void aLateFirstAttemptWithTheRedisTierPaysAnewForAUnitNoLeaseStoodBehind() {
        // Redis did not answer, and the unit came from the local-only allowance: counted from its grant.
        QuotaGates gates = new QuotaGates(governor, new StubClusterQuota(governor, now::get, Grant.GRANTED, true), null);
        AttemptGate late = coldGrant(gates);

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        late.beforeAttempt().await().indefinitely();

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).as("a second lease, a second unit").isEqualTo(8);
    }

    @Test
    void aLateFirstAttemptOfANewProcessIsCountedAgainWithoutWaitingForItsOwnUnit() {
        QuotaGovernor waiting = QuotaGovernor.waitingForFirstAnswer(Configs.quota(10, 100), TimeUnit.SECONDS.toNanos(2),
                now::get);
        QuotaGates gates = new QuotaGates(waiting, new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(),
                Configs.quota(10, 100), new InFlight(Duration.ofSeconds(2)), waiting, now::get, /* vertx= */ null), null);
        AttemptGate first = coldGrant(gates);

        // A cold JVM: class loading and the first connection take longer than the prepaid grace.
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        first.beforeAttempt().await().indefinitely();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1900));
        AttemptRefusedException beside = catchThrowableOfType(AttemptRefusedException.class,
                () -> gates.forConsumer(CRM).beforeAttempt().await().indefinitely());

        assertThat(beside).as("one request at a time until Coldsend answers, counted from the late send").isNotNull();
        // The key's minute window (the headers say 0 until Coldsend's first answer).
        assertThat(waiting.sharedRemaining()[0]).isEqualTo(9);
    }

    @Test
    void aLateFirstAttemptDoesNotGoOutBesideAnotherRequestInFlightBeforeTheFirstAnswer() {
        QuotaGovernor waiting = QuotaGovernor.waitingForFirstAnswer(Configs.quota(10, 100),
                TimeUnit.MILLISECONDS.toNanos(2100), now::get);
        QuotaGates gates = new QuotaGates(waiting, new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(),
                Configs.quota(10, 100), new InFlight(Duration.ofSeconds(2)), waiting, now::get, /* vertx= */ null), null);
        AttemptGate late = coldGrant(gates);

        // The call waits 3 s in the bulkhead's queue; its unit's time in flight ends, and another request goes out.
        now.addAndGet(TimeUnit.SECONDS.toNanos(3));
        gates.forConsumer(CRM).beforeAttempt().await().indefinitely();
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> late.beforeAttempt().await().indefinitely());

        assertThat(refused).as("the other request is in flight and Coldsend has not answered yet").isNotNull();
    }

    /** A cold ask of crm-sync granted its unit, with a 2 s wait in the queue allowed; its first attempt not started yet. */
    private static AttemptGate coldGrant(QuotaGates gates) {
        return gates.admit(CRM, /* cold= */ true, TimeUnit.SECONDS.toNanos(2), /* demand= */ 0).await().indefinitely();
    }

    /** Coldsend's {@code X-RateLimit-Reset} 30 s from now (Unix seconds). */
    private static long resetIn30Seconds() {
        return TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis()) + 30;
    }

    private ClusterQuota disabled() {
        return new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(), Configs.quota(10, 100),
                new InFlight(Duration.ofSeconds(2)), governor, now::get, /* vertx= */ null);
    }

    @Test
    void asksTheSharedBudgetForALeaseFirstWhenTheRedisTierIsEnabled() {
        StubClusterQuota shared = new StubClusterQuota(governor, now::get,
                Grant.refused("the proxy's Coldsend budget is spent", TimeUnit.SECONDS.toNanos(2)), /* enabled= */ true);
        QuotaGates gates = new QuotaGates(governor, shared, null);

        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> gates.forConsumer(CRM).beforeAttempt().await().indefinitely());

        assertThat(refused).as("refused by the shared budget though the local one has room").isNotNull();
        assertThat(refused.reason()).isEqualTo("the proxy's Coldsend budget is spent");
        assertThat(governor.budget(CRM.name(), CRM.share()).remaining()).isEqualTo(10);
    }

    @Test
    void paysASpareRefreshFromTheSharedSpareBudgetFirstWhenTheRedisTierIsEnabled() {
        StubClusterQuota refusing = new StubClusterQuota(governor, now::get,
                Grant.refused("no spare budget", TimeUnit.SECONDS.toNanos(60)), /* enabled= */ true);
        StubClusterQuota granting = new StubClusterQuota(governor, now::get, Grant.GRANTED, /* enabled= */ true);

        AttemptRefusedException refused = catchThrowableOfType(AttemptRefusedException.class,
                () -> new QuotaGates(governor, refusing, null).forSpare().beforeAttempt().await().indefinitely());
        new QuotaGates(governor, granting, null).forSpare().beforeAttempt().await().indefinitely();

        assertThat(refused).as("refused by the shared spare budget though this replica has spare units").isNotNull();
        assertThat(governor.spareSent()).as("then paid here too, once leased").isEqualTo(1);
    }
}
