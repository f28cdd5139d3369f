package dev.coldsendproxy.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.coldsendproxy.support.SlidingWindows;

/**
 * What one replay gave each consumer (answered fresh, stale, by the call that fetched, coalesced;
 * waited; 429), the ages of the answers, and what Coldsend received per window, against the
 * offline bound; rendered as the Markdown table of bench/results and the README.
 */
final class TraceReport {

    static final int PER_MINUTE = 100;
    static final int PER_HOUR = 1000;
    /** proxy.quota.holdback's default, for the spend target of hours with idle consumers. */
    static final double HOLDBACK = 0.1;

    private final Trace trace;
    private final Map<String, Tally> tallies = new TreeMap<>();
    /** Per aligned hour: whether some ask was refused or answered stale (demand above the budget). */
    private final Map<Integer, Boolean> shortHours = new HashMap<>();
    private final Map<Integer, java.util.Set<String>> activeByHour = new HashMap<>();

    TraceReport(Trace trace) {
        this.trace = trace;
        trace.consumers().keySet().forEach(name -> tallies.put(name, new Tally()));
    }

    /** One ask's answer. */
    void answered(Ask ask, RawHttp.Answer answer, boolean coalesced, boolean waited) {
        Tally tally = tallies.get(ask.consumer());
        int hour = (int) (ask.atMillis() / 3_600_000);
        activeByHour.computeIfAbsent(hour, h -> new java.util.HashSet<>()).add(ask.consumer());
        tally.asks++;
        tally.waited += waited ? 1 : 0;
        int status = answer.status();
        if (status == 200) {
            String cache = answer.cache();
            switch (cache) {
                case "HIT" -> tally.fresh++;
                case "STALE" -> {
                    tally.stale++;
                    shortHours.put(hour, true);
                }
                default -> {
                    if (coalesced) {
                        tally.coalesced++;
                    } else {
                        tally.fetched++;
                    }
                }
            }
            tally.ages.add(answer.age());
        } else if (status == 429) {
            tally.refused++;
            shortHours.put(hour, true);
        } else {
            tally.errors++;
        }
    }

    /** Consumer names and their tallies. */
    Map<String, Tally> tallies() {
        return tallies;
    }

    /** Asks answered with a 200, all consumers. */
    long answered() {
        return tallies.values().stream().mapToLong(Tally::answered).sum();
    }

    /** The report in Markdown; {@code received} are Coldsend's request times (nanos since the replay began). */
    String render(List<Long> received, long refusedByColdsend, OfflineBound.Result bound, long seconds) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(trace.name()).append("\n\n").append(trace.description()).append("\n\n");
        out.append("| consumer | asks | fresh | stale | fetched | coalesced | waited | 429 | answered | Age p50 / p95 (s) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Tally all = new Tally();
        tallies.forEach((name, tally) -> {
            row(out, name, tally);
            all.add(tally);
        });
        row(out, "**all**", all);
        SlidingWindows.Busiest minute = SlidingWindows.busiest(received, Duration.ofMinutes(1));
        SlidingWindows.Busiest hour = SlidingWindows.busiest(received, Duration.ofHours(1));
        out.append("\nColdsend received ").append(received.size()).append(" requests; busiest sliding minute ")
                .append(minute.count()).append(" (limit ").append(PER_MINUTE).append("), busiest sliding hour ")
                .append(hour.count()).append(" (limit ").append(PER_HOUR).append("); answered 429 by Coldsend: ")
                .append(refusedByColdsend).append(".\n\n");
        out.append("Spend per hour (target ≥ 98 % of 1000 less the holdbacks of consumers idle that hour, in hours whose"
                + " demand exceeded the budget):\n\n| hour | spent | demand above budget | target | met |\n|---:|---:|---|---:|---|\n");
        long[] perHour = new long[(int) (trace.durationMillis() / 3_600_000) + 1];
        for (long at : received) {
            int index = (int) (at / 3_600_000_000_000L);
            if (index < perHour.length) {
                perHour[index]++;
            }
        }
        for (int h = 0; h < trace.durationMillis() / 3_600_000; h++) {
            boolean short_ = shortHours.getOrDefault(h, false);
            long target = (long) Math.ceil(0.98 * (PER_HOUR - idleHoldback(h)));
            out.append("| ").append(h).append(" | ").append(perHour[h]).append(" | ").append(short_ ? "yes" : "no")
                    .append(" | ").append(short_ ? Long.toString(target) : "–").append(" | ")
                    .append(short_ ? (perHour[h] >= target ? "yes" : "**no**") : "–").append(" |\n");
        }
        out.append("\nOffline bound: ").append(bound.bound()).append(" of ").append(bound.asks())
                .append(" asks answerable by any schedule within both windows (").append(bound.method())
                .append("). Answered ").append(all.answered()).append(String.format(Locale.ROOT, " = %.1f %% of the bound",
                        100.0 * all.answered() / Math.max(1, bound.bound())))
                .append(String.format(Locale.ROOT, ", %.1f %% of all asks. Replayed in %d s.%n", 100.0 * all.answered() / all.asks,
                        seconds));
        return out.toString();
    }

    private long idleHoldback(int hour) {
        java.util.Set<String> active = activeByHour.getOrDefault(hour, java.util.Set.of());
        long held = 0;
        for (Map.Entry<String, Profile> consumer : trace.consumers().entrySet()) {
            if (!active.contains(consumer.getKey())) {
                held += (long) Math.ceil(HOLDBACK * Math.max(1, Math.floor(consumer.getValue().share() * PER_HOUR)));
            }
        }
        return held;
    }

    private static void row(StringBuilder out, String name, Tally tally) {
        out.append("| ").append(name).append(" | ").append(tally.asks).append(" | ").append(pct(tally.fresh, tally))
                .append(" | ").append(pct(tally.stale, tally)).append(" | ").append(pct(tally.fetched, tally))
                .append(" | ").append(pct(tally.coalesced, tally)).append(" | ").append(tally.waited)
                .append(" | ").append(pct(tally.refused + tally.errors, tally)).append(" | ")
                .append(pct(tally.answered(), tally)).append(" | ").append(tally.percentile(50)).append(" / ")
                .append(tally.percentile(95)).append(" |\n");
    }

    private static String pct(long count, Tally tally) {
        return String.format(Locale.ROOT, "%d (%.1f %%)", count, 100.0 * count / Math.max(1, tally.asks));
    }

    /** One consumer's outcomes. */
    static final class Tally {
        long asks;
        long fresh;
        long stale;
        long fetched;
        long coalesced;
        long waited;
        long refused;
        long errors;
        final List<Integer> ages = new ArrayList<>();

        long answered() {
            return fresh + stale + fetched + coalesced;
        }

        void add(Tally other) {
            asks += other.asks;
            fresh += other.fresh;
            stale += other.stale;
            fetched += other.fetched;
            coalesced += other.coalesced;
            waited += other.waited;
            refused += other.refused;
            errors += other.errors;
            ages.addAll(other.ages);
        }

        int percentile(int p) {
            if (ages.isEmpty()) {
                return 0;
            }
            int[] sorted = ages.stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }
    }
}
