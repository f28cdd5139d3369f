package dev.coldsendproxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.coldsendproxy.support.Configs;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The cache on its own: bounded by bytes, coalescing, never storing a failure. */
class LeadCacheTest {

    private final AtomicInteger now = new AtomicInteger();
    private final Ticker ticker = () -> now.get() * 1_000_000_000L;

    @Test
    void staysWithinItsByteBudget() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 64 * 1024), ticker);
        for (int i = 0; i < 200; i++) {
            LeadKey key = new LeadKey("c", "lead-" + i);
            cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, new byte[2048]))).result().join();
        }

        LeadCache.Snapshot snapshot = cache.snapshot();

        assertThat(snapshot.weightedBytes()).isLessThanOrEqualTo(64 * 1024);
        assertThat(snapshot.entries()).isBetween(1L, 64L * 1024 / 2048);
        assertThat(snapshot.stats().evictionCount()).isPositive();
    }

    @Test
    void sharesOneLoadBetweenConcurrentCallers() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 1 << 20), ticker);
        CompletableFuture<Fetched> upstream = new CompletableFuture<>();
        AtomicInteger loads = new AtomicInteger();
        LeadKey key = new LeadKey("c", "l");

        LeadCache.Load first = cache.load(key, () -> {
            loads.incrementAndGet();
            return upstream;
        });
        LeadCache.Load second = cache.load(key, () -> {
            loads.incrementAndGet();
            return upstream;
        });
        second.result().cancel(/* mayInterruptIfRunning= */ false);
        upstream.complete(new Fetched(200, new byte[] { 1 }));

        assertThat(loads).hasValue(1);
        assertThat(first.leader()).isTrue();
        assertThat(second.leader()).isFalse();
        assertThat(first.result().join().body()).containsExactly(1);
        assertThat(cache.peek(key)).isNotNull();
    }

    @Test
    void sharesAFreshCopyThatArrivedAfterTheCallerLooked() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 1 << 20), ticker);
        LeadKey key = new LeadKey("c", "l");
        CachedLead seen = cache.peek(key);
        cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, new byte[] { 7 }))).result().join();
        AtomicInteger loads = new AtomicInteger();

        LeadCache.Load late = cache.load(key, seen, () -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture(new Fetched(200, new byte[] { 8 }));
        });

        assertThat(loads).hasValue(0);
        assertThat(late.leader()).isFalse();
        assertThat(late.result().join().body()).containsExactly(7);
    }

    @Test
    void storesNothingWhenALoadFails() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 1 << 20), ticker);
        LeadKey key = new LeadKey("c", "l");

        LeadCache.Load failed = cache.load(key, () -> CompletableFuture.failedFuture(new IllegalStateException("down")));

        assertThatThrownBy(() -> failed.result().join()).isInstanceOf(CompletionException.class);
        assertThat(cache.peek(key)).isNull();
        assertThat(cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, new byte[0]))).leader())
                .isTrue();
    }

    @Test
    void keepsAnEntryPastItsTtlForTheKeepWindowOnly() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 1 << 20), ticker);
        LeadKey key = new LeadKey("c", "l");
        cache.load(key, () -> CompletableFuture.completedFuture(new Fetched(200, new byte[1]))).result().join();

        now.addAndGet(31);
        CachedLead stale = cache.peek(key);
        now.set(30 + 24 * 3600 - 1);
        CachedLead dayOld = cache.peek(key);
        now.addAndGet(1);

        assertThat(stale).isNotNull();
        assertThat(cache.isFresh(stale)).isFalse();
        assertThat(cache.freshFor(stale, ticker.read())).as("stale for the whole keep window").isEqualTo(-TimeUnit.HOURS.toNanos(24));
        assertThat(dayOld).as("kept for proxy.cache.keep (24 h) past the TTL").isSameAs(stale);
        assertThat(cache.ageSeconds(stale)).isEqualTo(30 + 24 * 3600);
        assertThat(cache.peek(key)).isNull();
    }

    @Test
    void datesACopyFetchedElsewhereByItsOwnAgeSoItIsNotFreshForLonger() {
        LeadCache cache = new LeadCache(Configs.cache(Duration.ofSeconds(30), 1 << 20), ticker);
        LeadKey key = new LeadKey("c", "l");
        now.set(100);

        CachedLead lead = cache.load(key, () -> CompletableFuture.completedFuture(
                new Fetched(200, new byte[1], Duration.ofSeconds(20).toNanos()))).result().join();

        assertThat(cache.ageSeconds(lead)).isEqualTo(20);
        assertThat(cache.isFresh(lead)).isTrue();
        now.addAndGet(10);
        assertThat(cache.isFresh(cache.peek(key))).isFalse();
        assertThat(cache.ageSeconds(cache.peek(key))).isEqualTo(30);
    }

    @Test
    void refusesANonPositiveTtlNamingTheProperty() {
        assertThatThrownBy(() -> new LeadCache(Configs.cache(Duration.ZERO, 1024), ticker))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("proxy.cache.ttl");
    }
}
