package dev.coldsendproxy.upstream;

import org.eclipse.microprofile.faulttolerance.Bulkhead;

import io.smallrye.mutiny.Uni;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lets at most 16 lead fetches talk to Coldsend at once (each its attempts one after another) and 32
 * more queue. A bean of its own, between {@link ColdsendClient} (which starts the caller's deadline
 * before the queue) and {@link GuardedColdsend} (retry and breaker): a bulkhead beside the breaker
 * would let its rejections reach the breaker, and the deadline must wrap the wait for a slot.
 * A slot is given back only when the fetch's last attempt is over on the wire, so the wire never
 * carries more requests than slots. Tunable as
 * {@code quarkus.fault-tolerance."dev.coldsendproxy.upstream.ColdsendBulkhead/fetch".bulkhead.value}
 * and {@code ...bulkhead.waiting-task-queue}.
 */
@ApplicationScoped
class ColdsendBulkhead {

    private final GuardedColdsend guarded;

    ColdsendBulkhead(GuardedColdsend guarded) {
        this.guarded = guarded;
    }

    /** Runs one caller's fetch once a slot is free. */
    @Bulkhead(value = 16, waitingTaskQueue = 32)
    Uni<UpstreamAnswer> fetch(String path, String requestId, AttemptGate gate, CallDeadline deadline) {
        return guarded.fetch(path, requestId, gate, deadline);
    }
}
