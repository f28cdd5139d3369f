package dev.coldsendproxy.quota;

import java.util.ArrayList;
import java.util.List;

/**
 * What this replica sent to Coldsend in the last hour, numbered, so it can re-report the sends
 * that Redis does not know: all of them when Redis lost its data, and those sent without a lease
 * (local-only) when Redis returns. A ring of at most {@code capacity} sends; the oldest make room.
 * Like {@link SlidingLog}, the ring starts small and doubles as sends come, so a large hourly
 * quota costs memory only once it is spent. Not thread-safe; {@link Leases} guards it.
 */
final class SendLog {

    private final int capacity;
    private long[] times;
    private boolean[] withoutLease;
    private long next;
    private int size;

    SendLog(int capacity) {
        this.capacity = capacity;
        int first = SlidingLog.firstSlots(capacity);
        this.times = new long[first];
        this.withoutLease = new boolean[first];
    }

    /** The ring's slots now: what the log holds in memory, up to its capacity. */
    int slots() {
        return times.length;
    }

    /** Records a send that reached Coldsend by {@code arrivedBy}; {@code withoutLease} when Redis never granted it. */
    void record(long arrivedBy, boolean withoutLease) {
        if (size == times.length && times.length < capacity) {
            grow();
        }
        int slot = (int) (next % times.length);
        times[slot] = arrivedBy;
        this.withoutLease[slot] = withoutLease;
        next++;
        size = Math.min(size + 1, times.length);
    }

    /** Doubles the ring (up to the capacity); each send keeps its number, in the slot that number maps to now. */
    private void grow() {
        int slots = SlidingLog.grownSlots(times.length, capacity);
        long[] largerTimes = new long[slots];
        boolean[] largerWithout = new boolean[slots];
        for (long number = next - size; number < next; number++) {
            int from = (int) (number % times.length);
            int to = (int) (number % slots);
            largerTimes[to] = times[from];
            largerWithout[to] = withoutLease[from];
        }
        times = largerTimes;
        withoutLease = largerWithout;
    }

    /**
     * The sends of the last hour before {@code now}, oldest first, as members named after
     * {@code replica} with their age in ms (below 0 for one that may still be on its way, rounded
     * towards the later instant); only those sent without a lease unless {@code all}.
     */
    List<LeaseLedger.Sent> since(long now, String replica, boolean all) {
        List<LeaseLedger.Sent> sent = new ArrayList<>();
        for (long number = next - size; number < next; number++) {
            int slot = (int) (number % times.length);
            long age = now - times[slot];
            if (age < Units.HOUR && (all || withoutLease[slot])) {
                sent.add(new LeaseLedger.Sent("s:" + replica + ":" + number, Math.floorDiv(age, 1_000_000L)));
            }
        }
        return sent;
    }
}
