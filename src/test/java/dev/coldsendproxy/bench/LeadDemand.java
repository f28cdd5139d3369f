package dev.coldsendproxy.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The asks for one lead as (time, window) pairs, window = TTL + the asker's tolerance; an ask is
 * answered iff the latest fetch at or before it is at most its window old. Answers how many
 * fetches this lead needs and how many asks n fetches can answer at most.
 */
final class LeadDemand {

    private final long[] times;
    private final long[] windows;

    /** {@code times} must be sorted ascending; both arrays are owned by this object. */
    LeadDemand(long[] times, long[] windows) {
        this.times = times;
        this.windows = windows;
    }

    int asks() {
        return times.length;
    }

    /** Distinct ask instants: the only fetch times worth considering (a fetch moved later to the next ask loses nothing). */
    int distinctTimes() {
        int distinct = 0;
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] != times[i - 1]) {
                distinct++;
            }
        }
        return distinct;
    }

    /**
     * Fewest fetches that answer every ask: fetch at each first unanswered ask. Optimal because
     * the k-th greedy fetch is never earlier than the k-th fetch of any covering schedule.
     */
    int fetchesToCoverAll() {
        int fetches = 0;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < times.length; i++) {
            if (fetches == 0 || times[i] - last > windows[i]) {
                last = times[i];
                fetches++;
            }
        }
        return fetches;
    }

    /** Most asks one fetch can answer (a fetch at t answers asks at s >= t with s - t <= their window). */
    int maxCoveredByOneFetch() {
        TreeMap<Long, long[]> byWindow = timesByWindow();
        int best = 0;
        for (int i = 0; i < times.length; i++) {
            if (i > 0 && times[i] == times[i - 1]) {
                continue;
            }
            int covered = 0;
            for (var entry : byWindow.entrySet()) {
                long[] group = entry.getValue();
                covered += firstAbove(group, times[i] + entry.getKey()) - firstAbove(group, times[i] - 1);
            }
            best = Math.max(best, covered);
        }
        return best;
    }

    /**
     * Exact most asks answerable with at most n fetches, for n = 0..fetchesToCoverAll(), by
     * dynamic programming over fetch instants; O(F * T^2), so only for leads with few instants.
     */
    long[] exactBest() {
        long[] instants = new long[distinctTimes()];
        int[] groupStart = new int[instants.length + 1];
        int g = 0;
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] != times[i - 1]) {
                instants[g] = times[i];
                groupStart[g++] = i;
            }
        }
        int t = instants.length;
        groupStart[t] = times.length;
        int[][] covered = coveredBetween(instants, groupStart);
        int fetches = fetchesToCoverAll();
        long[] best = new long[fetches + 1];
        long[] atMost = new long[t];
        for (int a = 0; a < t; a++) {
            atMost[a] = covered[a][t];
            best[1] = Math.max(best[1], atMost[a]);
        }
        for (int n = 2; n <= fetches; n++) {
            long[] next = atMost.clone();
            for (int a = 0; a < t; a++) {
                for (int b = a + 1; b < t; b++) {
                    next[a] = Math.max(next[a], covered[a][b] + atMost[b]);
                }
                best[n] = Math.max(best[n], next[a]);
            }
            atMost = next;
        }
        return best;
    }

    /**
     * Upper bound on the asks n fetches answer, n = 0..until all are: as if every ask accepted
     * the lead's widest window W, where the optimum is n disjoint windows [t, t + W] (a fetch
     * inside an earlier one's window can move past it and answer a superset). O(F * T).
     */
    long[] widestWindowBest() {
        long widest = Arrays.stream(windows).max().orElse(0);
        long[] instants = Arrays.stream(times).distinct().toArray();
        int t = instants.length;
        long[] before = new long[t + 1];
        int[] end = new int[t];
        for (int i = 0, a = 0; a < t; a++) {
            while (i < times.length && times[i] == instants[a]) {
                i++;
            }
            before[a + 1] = i;
        }
        for (int a = 0, e = 0; a < t; a++) {
            e = Math.max(e, a);
            while (e < t && instants[e] - instants[a] <= widest) {
                e++;
            }
            end[a] = e;
        }
        List<Long> best = new ArrayList<>(List.of(0L));
        long[] previous = new long[t + 1];
        while (best.get(best.size() - 1) < times.length) {
            long[] current = new long[t + 1];
            for (int a = t - 1; a >= 0; a--) {
                current[a] = Math.max(current[a + 1], before[end[a]] - before[a] + previous[end[a]]);
            }
            best.add(current[0]);
            previous = current;
        }
        return best.stream().mapToLong(Long::longValue).toArray();
    }

    /** covered[a][b]: asks at instants a..b-1 answered by a fetch at instant a (b == T: to the end). */
    private int[][] coveredBetween(long[] instants, int[] groupStart) {
        int t = instants.length;
        int[][] covered = new int[t][t + 1];
        for (int a = 0; a < t; a++) {
            int run = 0;
            for (int b = a + 1; b <= t; b++) {
                for (int i = groupStart[b - 1]; i < groupStart[b]; i++) {
                    if (times[i] - instants[a] <= windows[i]) {
                        run++;
                    }
                }
                covered[a][b] = run;
            }
        }
        return covered;
    }

    private TreeMap<Long, long[]> timesByWindow() {
        TreeMap<Long, long[]> byWindow = new TreeMap<>();
        for (long window : windows) {
            byWindow.putIfAbsent(window, null);
        }
        for (Long window : byWindow.keySet()) {
            byWindow.put(window, Arrays.stream(indices()).filter(i -> windows[i] == window)
                    .mapToLong(i -> times[i]).toArray());
        }
        return byWindow;
    }

    private int[] indices() {
        int[] all = new int[times.length];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /** Index of the first element of sorted {@code values} greater than {@code limit}. */
    private static int firstAbove(long[] values, long limit) {
        int low = 0;
        int high = values.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (values[mid] <= limit) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
