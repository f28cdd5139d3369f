package dev.coldsendproxy.bench;

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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.coldsendproxy.cache.BenchCaches;
import dev.coldsendproxy.cache.CachedLead;
import dev.coldsendproxy.cache.LeadCache;
import dev.coldsendproxy.cache.LeadKey;
import dev.coldsendproxy.lead.BenchRefreshWalk;

/**
 * What one round of the spare-budget refresher costs the thread that walks the cache, once a
 * second: {@code walk} as shipped (on a worker thread), {@code walkAsBefore} as it ran until
 * 3 December (on an event loop, holding its connections for that long). {@code leads} copies of
 * 1,800 bytes, stored over the last minute (so about a twelfth are about to expire) and asked 0-19
 * times each; the default 64 MiB cache holds about 31,000 of them (320 bytes of overhead each).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RefreshWalkBenchmark {

    private static final long SOON = TimeUnit.SECONDS.toNanos(5);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    @Param({ "10000", "30000" })
    int leads;

    long clock;
    long now;
    BenchRefreshWalk walk;

    @Setup(Level.Trial)
    public void setUp() {
        LeadCache cache = BenchCaches.leadCache(() -> clock);
        Random random = new Random(42);
        String campaign = new UUID(random.nextLong(), random.nextLong()).toString();
        byte[] body = new byte[1_800];
        java.util.Arrays.fill(body, (byte) 'x');
        for (int i = 0; i < leads; i++) {
            clock = MINUTE * i / leads;
            LeadKey key = new LeadKey(campaign, new UUID(random.nextLong(), random.nextLong()).toString());
            BenchCaches.store(cache, key, body);
            CachedLead lead = cache.peek(key);
            for (int asks = random.nextInt(20); asks > 0; asks--) {
                lead.asked();
            }
        }
        now = clock;
        walk = new BenchRefreshWalk(cache, SOON);
        if (walk.walk(10, now) != 10 || walk.walkAsBefore(10, now) != 10) {
            throw new IllegalStateException("the walk found fewer than a round's copies about to expire");
        }
    }

    @Benchmark
    public int walk() {
        return walk.walk(10, now);
    }

    @Benchmark
    public int walkAsBefore() {
        return walk.walkAsBefore(10, now);
    }
}
