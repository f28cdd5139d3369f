package dev.coldsendproxy.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.cache.BenchCaches;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.lead.BenchAccessLines;
import dev.coldsendproxy.lead.BenchRoute;
import dev.coldsendproxy.quota.BenchQuota;
import dev.coldsendproxy.quota.QuotaGovernor;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * The proxy's cache-hit path without the network, so a regression in lookup or response
 * assembly shows up here before it shows up in wrk numbers. Everything is the production code:
 * {@link LeadCache} (Caffeine, system ticker) and the fast hit route's own work
 * ({@code FreshHitRoute.hit}: path, lookup, budget, headers); only CDI and the HTTP server are absent.
 *
 * <ul>
 * <li>{@code lookupHot}: peek + isFresh + ageSeconds for one lead (scenario a of bench/run.sh);</li>
 * <li>{@code lookupZipf}: the same over 10,000 leads asked for with Zipf(1.0) frequencies, fixed seed;</li>
 * <li>{@code hitHot}: the route's work for a hit on one lead, from the request path to the six
 * headers on a new Vert.x header map (as each response has);</li>
 * <li>{@code hitZipf}: the same over the Zipf sequence;</li>
 * <li>{@code accessLine}: what the access line costs the event-loop thread (a record and one
 * offer into the bounded queue; the writer thread formats and logs it elsewhere);</li>
 * <li>{@code accessLineJsonByFramework}, {@code accessLineJsonByProxy}: what the writer thread
 * pays to make one line's JSON (its record and its text), with Quarkus's JSON formatter and with
 * the proxy's byte-identical writer.</li>
 * </ul>
 *
 * Run with {@code bench/jmh/run.sh} (add {@code -prof gc} to see bytes allocated per hit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HitPathBenchmark {

    static final int LEADS = 10_000;
    static final int SEQUENCE = 1 << 16;

    LeadCache cache;
    QuotaGovernor quota;
    BenchRoute route;
    LeadKey hotKey;
    LeadKey[] keys;
    String[] paths;
    int[] zipf;
    int next;

    BenchAccessLines accessLines;

    @Setup(Level.Trial)
    public void setUp() {
        accessLines = new BenchAccessLines(16_384);
        Ticker ticker = Ticker.systemTicker();
        cache = BenchCaches.leadCache(ticker);
        quota = BenchQuota.governor(ticker);
        route = new BenchRoute(cache, quota, BenchCaches.config());
        Random random = new Random(42);
        String campaign = new UUID(random.nextLong(), random.nextLong()).toString();
        keys = new LeadKey[LEADS];
        paths = new String[LEADS];
        for (int i = 0; i < LEADS; i++) {
            String lead = new UUID(random.nextLong(), random.nextLong()).toString();
            keys[i] = new LeadKey(campaign, lead);
            paths[i] = "/api/public/v1/campaigns/" + campaign + "/leads/" + lead;
            BenchCaches.store(cache, keys[i], body(lead));
        }
        hotKey = keys[0];
        zipf = zipfSequence(random);
    }

    @Benchmark
    public long lookupHot(Blackhole blackhole) {
        CachedLead lead = cache.peek(hotKey);
        if (lead == null || !cache.isFresh(lead)) {
            throw new IllegalStateException("the hot lead fell out of the cache");
        }
        blackhole.consume(lead);
        return cache.ageSeconds(lead);
    }

    @Benchmark
    public long lookupZipf(Blackhole blackhole) {
        CachedLead lead = cache.peek(keys[zipf[next++ & (SEQUENCE - 1)]]);
        if (lead == null || !cache.isFresh(lead)) {
            throw new IllegalStateException("a warm lead fell out of the cache");
        }
        blackhole.consume(lead);
        return cache.ageSeconds(lead);
    }

    @Benchmark
    public CachedLead hitHot() {
        return route.hit(paths[0], HeadersMultiMap.httpHeaders());
    }

    @Benchmark
    public CachedLead hitZipf() {
        return route.hit(paths[zipf[next++ & (SEQUENCE - 1)]], HeadersMultiMap.httpHeaders());
    }

    /** Indices 0..LEADS-1 drawn with probability proportional to 1/rank. */
    private static int[] zipfSequence(Random random) {
        double[] cumulative = new double[LEADS];
        double total = 0;
        for (int rank = 1; rank <= LEADS; rank++) {
            total += 1.0 / rank;
            cumulative[rank - 1] = total;
        }
        int[] sequence = new int[SEQUENCE];
        for (int i = 0; i < SEQUENCE; i++) {
            double draw = random.nextDouble() * total;
            int index = java.util.Arrays.binarySearch(cumulative, draw);
            sequence[i] = Math.min(LEADS - 1, index >= 0 ? index : -index - 1);
        }
        return sequence;
    }

    /** A 1,800-byte JSON lead, like the stub upstream's. */
    private static byte[] body(String leadId) {
        StringBuilder json = new StringBuilder("{\"lead_id\":\"").append(leadId).append("\",\"notes\":\"");
        while (json.length() < 1798) {
            json.append('x');
        }
        return json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The access line's cost on the request's thread. */
    @Benchmark
    public boolean accessLine() {
        return accessLines.offer("req-1", hotKey.campaignId(), hotKey.leadId(), System.nanoTime());
    }

    /** One line's record and JSON, by Quarkus's JSON formatter (the writer thread's work before). */
    @Benchmark
    public String accessLineJsonByFramework() {
        return accessLines.formatByFramework("a3a90f9b03b8eb3c5d41c3debcaec52a", hotKey.campaignId(), hotKey.leadId());
    }

    /** The same line by AccessLineFormatter, as shipped. */
    @Benchmark
    public String accessLineJsonByProxy() {
        return accessLines.formatByProxy("a3a90f9b03b8eb3c5d41c3debcaec52a", hotKey.campaignId(), hotKey.leadId());
    }

    @TearDown(Level.Trial)
    public void closeAccessLines() {
        accessLines.close();
    }
}
