package dev.coldsendproxy.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.coldsendproxy.lead.HotRefresh;
import dev.coldsendproxy.quota.BudgetWaits;
import dev.coldsendproxy.support.ManualTicker;

/**
 * Replays a {@link Trace} through the running proxy on its manual clock: each ask is a real HTTP
 * request with its consumer's key, answered by the real route, cache, quota and upstream client
 * from the {@link WindowedColdsend}. Asks go one after another at their instant; an ask that
 * waits for a budget unit (or joins a lead's pending load) is left pending while the clock moves
 * on in steps of at most {@link #STEP}, the wait queue pumped after each step. Nothing here
 * decides anything the proxy decides.
 */
final class TraceReplay {

    private static final long STEP = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long PATIENCE = TimeUnit.SECONDS.toNanos(30);
    /** Sockets, and so asks that may wait at once: more than the proxy's queue ever holds in a replay. */
    private static final int WORKERS = 512;

    private final URI proxy;
    private final ManualTicker ticker;
    private final BudgetWaits waits;
    private final HotRefresh hotRefresh;
    private final RawHttp http;
    private final List<Pending> pending = new ArrayList<>();
    private final Map<Integer, Pending> pendingByLead = new HashMap<>();
    private long nowMillis;
    private long refreshes;

    /** Spare-budget refreshes started during the replay. */
    long refreshes() {
        return refreshes;
    }

    TraceReplay(URI proxy, ManualTicker ticker, BudgetWaits waits, HotRefresh hotRefresh) {
        this.proxy = proxy;
        this.ticker = ticker;
        this.waits = waits;
        this.hotRefresh = hotRefresh;
        this.http = new RawHttp(proxy.getHost(), proxy.getPort(), WORKERS);
    }

    /** Replays every ask of {@code trace}; {@code answered} is told each one's answer. */
    void run(Trace trace, TraceReport report) {
        for (Ask ask : trace.asks()) {
            advanceTo(ask.atMillis());
            collect();
            Pending joined = pendingByLead.get(ask.lead());
            long queuedBefore = waits.queued(); // before sending: the ask may be queued before this thread looks
            CompletableFuture<RawHttp.Answer> answer = send(ask);
            if (joined != null) {
                pending.add(new Pending(ask, answer, /* coalesced= */ true, false));
                continue;
            }
            long deadline = System.nanoTime() + PATIENCE;
            while (!answer.isDone()) {
                if (waits.queued() > queuedBefore) {
                    Pending waiting = new Pending(ask, answer, false, /* waited= */ true);
                    pending.add(waiting);
                    pendingByLead.put(ask.lead(), waiting);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no answer and no wait for " + ask);
                }
                LockSupport.parkNanos(20_000);
            }
            if (answer.isDone()) {
                report.answered(ask, answer.join(), false, false);
            }
        }
        while (!pending.isEmpty()) {
            advanceTo(nowMillis + 100);
            collect();
        }
        collectInto(report);
        http.close();
    }

    private final List<Pending> done = new ArrayList<>();

    /**
     * Moves the manual clock to {@code millis}, in steps of {@link #STEP} while asks wait, pumping
     * the queue after each; at each whole second on the way, a round of the spare-budget refresh,
     * as its 1 s timer would run (the replay's profile turns that timer off).
     */
    private void advanceTo(long millis) {
        while (nowMillis < millis) {
            long nextSecond = (nowMillis / 1000 + 1) * 1000;
            long step = Math.min(millis, nextSecond) - nowMillis;
            if (!pending.isEmpty()) {
                step = Math.min(step, STEP / 1_000_000);
            }
            ticker.advance(Duration.ofMillis(step));
            nowMillis += step;
            if (nowMillis % 1000 == 0) {
                refreshes += hotRefresh.round();
            }
            if (!pending.isEmpty()) {
                waits.pump().await().atMost(Duration.ofNanos(PATIENCE));
                settle();
                collect();
            }
        }
    }

    /** Waits until every pending leader has its answer or is still queued for a unit. */
    private void settle() {
        long deadline = System.nanoTime() + PATIENCE;
        while (true) {
            long leadersWaiting = pending.stream().filter(p -> !p.coalesced && !p.answer.isDone()).count();
            if (leadersWaiting <= waits.waiting()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(leadersWaiting + " waiting asks, " + waits.waiting() + " queued");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    private void collect() {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
            Pending each = it.next();
            if (each.answer.isDone()) {
                it.remove();
                done.add(each);
                pendingByLead.remove(each.ask.lead(), each);
            }
        }
    }

    /** Hands the answers of asks that were pending to the report (in the order they ended). */
    private void collectInto(TraceReport report) {
        for (Pending each : done) {
            report.answered(each.ask, each.answer.join(), each.coalesced, each.waited);
        }
        done.clear();
    }

    private CompletableFuture<RawHttp.Answer> send(Ask ask) {
        return http.get("/api/public/v1/campaigns/" + Trace.CAMPAIGN + "/leads/" + Trace.leadId(ask.lead()),
                DayTraceProfile.key(ask.consumer()));
    }

    /** An ask whose answer was not there when the replay moved on. */
    private record Pending(Ask ask, CompletableFuture<RawHttp.Answer> answer, boolean coalesced, boolean waited) {
    }
}
