package dev.coldsendproxy.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.coldsendproxy.cluster.DisabledRedisTier;
import dev.coldsendproxy.consumer.Consumer;
import dev.coldsendproxy.support.Configs;
import dev.coldsendproxy.upstream.AttemptGate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** The short wait for a unit with a real Vert.x context: what a served waiter's call is counted from. */
class BudgetWaitsTest {

    private static final Consumer CRM = new Consumer("crm-sync", 1.0);
    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(1));
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private static SharingConfig sharing() {
        return new SharingConfig() {
            @Override
            public double holdback() {
                return 0.1;
            }

            @Override
            public Duration maxWait() {
                return Duration.ofSeconds(2);
            }

            @Override
            public int maxWaiters() {
                return 16;
            }

            @Override
            public boolean oneUntilFirstAnswer() {
                return false;
            }

            @Override
            public Duration paceWindow() {
                return Duration.ZERO;
            }
        };
    }

    /**
     * A waiter served by the pump has its unit granted at once, and goes on only when its own event
     * loop runs the item: the grant's time is read on the granting thread, so a busy loop cannot
     * make a send leave more than the prepaid grace after its grant without being counted again.
     */
    @Test
    void aServedWaitersSendIsNeverCountedFromBeforeItLeaves() throws Exception {
        QuotaGovernor governor = new QuotaGovernor(Configs.quota(10, 100), now::get);
        ClusterQuota disabled = new ClusterQuota(DisabledRedisTier.create(), DisabledRedisTier.config(),
                Configs.quota(10, 100), new InFlight(Duration.ofSeconds(2)), governor, now::get, /* vertx= */ null);
        BudgetWaits waits = new BudgetWaits(sharing(), now::get, new SimpleMeterRegistry(), vertx);
        QuotaGates gates = new QuotaGates(governor, disabled, waits);
        long t0 = now.get();
        for (int i = 0; i < 10; i++) {
            gates.forConsumer(CRM).beforeAttempt().await().indefinitely();
        }
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(59_500));

        Context context = vertx.getOrCreateContext();
        AtomicReference<AttemptGate> admitted = new AtomicReference<>();
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        context.runOnContext(v -> {
            gates.admit(CRM, /* cold= */ true, TimeUnit.SECONDS.toNanos(2), /* demand= */ 0).subscribe().with(gate -> {
                admitted.set(gate);
                done.countDown();
            }, failure -> done.countDown());
            queued.countDown();
        });
        queued.await(5, TimeUnit.SECONDS);
        assertThat(waits.waiting()).isEqualTo(1);

        // The asker's event loop is busy with other work while the pump serves the waiter.
        CountDownLatch release = new CountDownLatch(1);
        context.runOnContext(v -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        now.set(t0 + TimeUnit.SECONDS.toNanos(60)); // a unit frees
        waits.pump().await().indefinitely(); // granted now, at t0 + 60 s
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400)); // the loop runs the emission 400 ms later
        release.countDown();
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(admitted.get()).isNotNull();

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        admitted.get().beforeAttempt().await().indefinitely(); // leaves at t0 + 60.45 s
        now.set(t0 + TimeUnit.MILLISECONDS.toNanos(120_200)); // 59.75 s after it left

        assertThat(governor.budget(CRM.name(), CRM.share()).remaining())
                .as("the send that left 59.75 s ago is still counted").isEqualTo(9);
    }
}
