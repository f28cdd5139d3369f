package dev.coldsendproxy.bench;

import java.util.ArrayList;
import java.util.List;

/** The true optimum over fetch schedules on a time grid within both limits; tiny traces only, to check the bound. */
final class BruteForce {

    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    private BruteForce() {}

    /** Most asks answered by any set of (grid time, lead) fetches in [0, duration) obeying both sliding limits. */
    static long optimum(Trace trace, long ttl, int perMinute, int perHour, long grid) {
        List<long[]> candidates = new ArrayList<>();
        List<Integer> leads = trace.asks().stream().map(Ask::lead).distinct().toList();
        for (long at = 0; at < trace.durationMillis(); at += grid) {
            for (int lead : leads) {
                candidates.add(new long[] {at, lead});
            }
        }
        return search(trace, ttl, perMinute, perHour, candidates, 0, new ArrayList<>());
    }

    private static long search(Trace trace, long ttl, int perMinute, int perHour, List<long[]> candidates,
            int next, List<long[]> chosen) {
        long best = answered(trace, ttl, chosen);
        if (chosen.size() == perHour) {
            return best;
        }
        for (int i = next; i < candidates.size(); i++) {
            chosen.add(candidates.get(i));
            if (withinLimits(chosen, perMinute, perHour)) {
                best = Math.max(best, search(trace, ttl, perMinute, perHour, candidates, i + 1, chosen));
            }
            chosen.remove(chosen.size() - 1);
        }
        return best;
    }

    /** Chosen fetches are in time order, so the window ending at the newest one is the only new check. */
    private static boolean withinLimits(List<long[]> chosen, int perMinute, int perHour) {
        long newest = chosen.get(chosen.size() - 1)[0];
        long inMinute = chosen.stream().filter(f -> newest - f[0] < MINUTE).count();
        long inHour = chosen.stream().filter(f -> newest - f[0] < HOUR).count();
        return inMinute <= perMinute && inHour <= perHour;
    }

    private static long answered(Trace trace, long ttl, List<long[]> fetches) {
        long answered = 0;
        for (Ask ask : trace.asks()) {
            long window = ttl + trace.maxStaleMillis(ask.consumer());
            boolean covered = fetches.stream().anyMatch(f -> f[1] == ask.lead() && f[0] <= ask.atMillis()
                    && ask.atMillis() - f[0] <= window);
            if (covered) {
                answered++;
            }
        }
        return answered;
    }
}
