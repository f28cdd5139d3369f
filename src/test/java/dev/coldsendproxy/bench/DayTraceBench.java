package dev.coldsendproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.coldsendproxy.lead.HotRefresh;
import dev.coldsendproxy.quota.BudgetWaits;
import dev.coldsendproxy.support.ManualTicker;
import io.quarkus.test.common.http.TestHTTPResource;

import jakarta.inject.Inject;

/**
 * The day-trace benchmark: replays one trace through the running proxy (its profile) on the
 * manual clock against the {@link WindowedColdsend}, writes the report to
 * {@code target/daytrace/<trace>.md} (and to {@code bench/results/} when {@code -Dbench.results}
 * names that folder), and checks the key's limits held. Run with {@code bench/day-trace.sh};
 * {@code -Dbench.hours=N} replays the first N hours of each trace only.
 */
public abstract class DayTraceBench {

    @TestHTTPResource("/")
    URI proxy;

    @Inject
    ManualTicker ticker;

    @Inject
    BudgetWaits waits;

    @Inject
    HotRefresh hotRefresh;

    WindowedColdsend coldsend;

    /** Replays {@code trace} and reports; returns the report for further checks. */
    protected TraceReport replay(Trace whole) throws IOException {
        // -Dbench.hours=N replays only the first N hours of each trace (a quicker, documented cut).
        long hours = Long.getLong("bench.hours", Long.MAX_VALUE / 3_600_000L);
        Trace trace = whole.firstHours(hours);
        coldsend.reset();
        long base = ticker.read();
        coldsend.useClock(() -> ticker.read() - base);
        long started = System.nanoTime();
        TraceReport report = new TraceReport(trace);
        TraceReplay replay = new TraceReplay(proxy, ticker, waits, hotRefresh);
        replay.run(trace, report);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        List<Long> received = coldsend.received();
        OfflineBound.Result bound = OfflineBound.compute(trace, Traces.DEFAULT_TTL_MILLIS, TraceReport.PER_MINUTE,
                TraceReport.PER_HOUR);
        String markdown = report.render(received, coldsend.refused(), bound, seconds)
                + "Refreshes of hot leads paid from spare budget: " + replay.refreshes() + ".\n";
        String name = trace.name() + variant();
        write(Path.of("target", "daytrace"), name, markdown);
        String results = System.getProperty("bench.results");
        if (results != null && !results.isBlank()) {
            write(Path.of(results), "daytrace-" + name, markdown);
        }
        System.out.println(markdown);
        assertThat(coldsend.refused()).as("requests Coldsend refused: the proxy went over a window").isZero();
        return report;
    }

    /** What the report's name adds for a replay with a setting moved ({@code bench.per-minute}, {@code bench.pace-window}). */
    private static String variant() {
        String perMinute = System.getProperty("bench.per-minute");
        String paceWindow = System.getProperty("bench.pace-window");
        return (perMinute != null ? "-per-minute-" + perMinute : "") + (paceWindow != null ? "-pace-" + paceWindow : "");
    }

        private static void write(Path folder, String name, String markdown) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(name + ".md"), markdown);
    }
}
