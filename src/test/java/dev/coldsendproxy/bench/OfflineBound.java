package dev.coldsendproxy.bench;

import java.util.Arrays;
import java.util.List;

/**
 * An upper bound on the asks any fetch schedule within the key's limits could answer, so a
 * replay's answered count can be read as a share of what was possible, not of all asks.
 *
 * <p>Method. (1) WLOG each fetch sits at an ask time of its lead (moving it later to the next
 * ask keeps the count and answers a superset), and an ask is answered iff the latest fetch of
 * its lead at or before it is at most TTL + the consumer's tolerance old. (2) Per lead, F_k =
 * fewest fetches answering all its asks (greedy). (3) Per lead a concave U_k(n) >= most asks n
 * fetches answer: the hull of an exact DP when the lead has at most {@value #EXACT_INSTANTS}
 * ask instants, else the hull of min(D_k(n), n * c_k), with D_k the exact optimum were every
 * ask to accept the lead's widest window (n disjoint windows, DP) and c_k the most asks one
 * fetch answers. (4) Each aligned hour block is one hour window and holds ceil(minutes) aligned
 * minute windows, so a schedule starting at 0 with an empty cache fetches at most B = sum of
 * min(perHour, perMinute * minutes) over blocks. (5) bound = min(asks, floor(max sum U_k(n_k)
 * s.t. sum n_k <= B)), the LP solved greedily by slope. It ignores when fetches fall, so it is
 * loose when demand is uneven over hours, and ignores consumer shares and priorities.
 */
public final class OfflineBound {

    /** Leads with at most this many distinct ask instants get the exact DP curve (cost ~ T^3). */
    static final int EXACT_INSTANTS = 80;

    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    static final String METHOD = "fetches moved to ask times; per-lead concave majorant (exact DP hull if <= "
            + EXACT_INSTANTS + " instants, else hull of min(disjoint-widest-window DP, n*maxPerFetch)); "
            + "LP over total budget B = sum over aligned hours of min(perHour, perMinute*minutes), greedy by slope; "
            + "ignores how demand is spread over hours (loose when uneven)";

    /** What the bound found for one trace. */
    public record Result(long asks, long bound, long budget, long fetchesToAnswerAll, String method) {}

    private OfflineBound() {}

    /** The bound for {@code trace} when answers stay fresh {@code ttlMillis} and the key allows the given limits. */
    public static Result compute(Trace trace, long ttlMillis, int perMinute, int perHour) {
        return compute(trace, ttlMillis, perMinute, perHour, EXACT_INSTANTS);
    }

    /** As above, with the exact-DP threshold open so tests can force the cheap curves on small traces. */
    static Result compute(Trace trace, long ttlMillis, int perMinute, int perHour, int exactInstants) {
        List<Ask> asks = trace.asks();
        long budget = budget(Math.max(trace.durationMillis(), lastAskMillis(asks) + 1), perMinute, perHour);
        long[] order = byLeadThenTime(asks);
        Pieces pieces = new Pieces();
        long fetchesToAnswerAll = 0;
        for (int from = 0; from < order.length; ) {
            int lead = (int) (order[from] >>> 32);
            int to = from;
            while (to < order.length && (int) (order[to] >>> 32) == lead) {
                to++;
            }
            LeadDemand demand = demandOf(trace, asks, order, from, to, ttlMillis);
            fetchesToAnswerAll += demand.fetchesToCoverAll();
            addMajorant(demand, pieces, exactInstants);
            from = to;
        }
        long lp = pieces.bestWithin(budget);
        return new Result(asks.size(), Math.min(asks.size(), lp), budget, fetchesToAnswerAll, METHOD);
    }

    /** Most fetches a schedule starting at 0 can make within the trace: each aligned hour block is one window. */
    static long budget(long durationMillis, int perMinute, int perHour) {
        long total = 0;
        for (long start = 0; start < durationMillis; start += HOUR) {
            long length = Math.min(HOUR, durationMillis - start);
            long minutes = (length + MINUTE - 1) / MINUTE;
            total += Math.min(perHour, perMinute * minutes);
        }
        return total;
    }

    private static void addMajorant(LeadDemand demand, Pieces pieces, int exactInstants) {
        if (demand.distinctTimes() <= exactInstants) {
            pieces.addHullOf(demand.exactBest());
        } else {
            pieces.addHullOf(cappedByOneFetch(demand.widestWindowBest(), demand.maxCoveredByOneFetch()));
        }
    }

    /** min(widest(n), n * perFetch) for n = 0.. until every ask is answered; both bound the true curve. */
    private static long[] cappedByOneFetch(long[] widest, long perFetch) {
        long all = widest[widest.length - 1];
        int points = (int) Math.max(widest.length, (all + perFetch - 1) / perFetch + 1);
        long[] capped = new long[points];
        for (int n = 0; n < points; n++) {
            capped[n] = Math.min(n < widest.length ? widest[n] : all, n * perFetch);
        }
        return capped;
    }

    private static LeadDemand demandOf(Trace trace, List<Ask> asks, long[] order, int from, int to, long ttl) {
        long[] times = new long[to - from];
        long[] windows = new long[to - from];
        for (int i = from; i < to; i++) {
            Ask ask = asks.get((int) order[i]);
            times[i - from] = ask.atMillis();
            windows[i - from] = ttl + trace.maxStaleMillis(ask.consumer());
        }
        return new LeadDemand(times, windows);
    }

    /** Ask indices packed under their lead (lead << 32 | index), sorted: by lead, then by time. */
    private static long[] byLeadThenTime(List<Ask> asks) {
        long[] keys = new long[asks.size()];
        for (int i = 0; i < keys.length; i++) {
            int lead = asks.get(i).lead();
            if (lead < 0) {
                throw new IllegalArgumentException("lead numbers must be >= 0, got " + lead);
            }
            if (i > 0 && asks.get(i).atMillis() < asks.get(i - 1).atMillis()) {
                throw new IllegalArgumentException(
                        "asks must be sorted by time; ask " + i + " is earlier than ask " + (i - 1));
            }
            keys[i] = ((long) lead << 32) | i;
        }
        Arrays.sort(keys);
        return keys;
    }

    private static long lastAskMillis(List<Ask> asks) {
        return asks.isEmpty() ? -1 : asks.get(asks.size() - 1).atMillis();
    }
}
