package dev.coldsendproxy.quota;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * The shared budget as {@link Leases} sees it: {@link LeaseLedger} in Redis in the service, an
 * in-memory model in unit tests. Every operation may fail with
 * {@link dev.coldsendproxy.cluster.RedisUnavailableException}.
 */
interface Ledger {

    /** Leases up to {@code want} units for {@code share}'s consumer under the key's limits in force, if {@code epoch} is current. */
    Uni<LeaseLedger.LeaseAnswer> lease(LeaseLedger.ShareLimits share, int want, String epoch, int perMinute, int perHour);

    /** Re-reports sends into {@code epoch}; the item is the epoch now current, equal to {@code epoch} when recorded. */
    Uni<String> importSends(String epoch, String replica, List<LeaseLedger.Sent> sends);

    /** Gives back units leased in {@code epoch} and never sent. */
    Uni<Void> giveBack(String epoch, String consumer, List<String> members);

    /** Holds every replica's leases for {@code millis}, because Coldsend answered {@code status}. */
    Uni<Void> hold(long millis, int status);

    /** The shared state: the key's windows, then each consumer's in the order given. */
    Uni<LeaseLedger.Status> status(List<LeaseLedger.ShareLimits> shares);

    /**
     * Whether this replica sent units Redis does not know: while it has, its record of contact
     * stays as it was, so the other replicas keep its local-only share held back.
     */
    void unreportedSends(boolean any);

    /** Removes this replica's records, for a replica that stops with every send reported. */
    Uni<Void> leave();
}
