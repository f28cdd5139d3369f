package dev.coldsendproxy.cluster;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import com.github.tomakehurst.wiremock.WireMockServer;

import dev.coldsendproxy.support.ArrivalLog;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.DelayingTcpProxy;
import dev.coldsendproxy.support.PackagedProxy;
import dev.coldsendproxy.support.RedisServer;
import dev.coldsendproxy.support.SlidingWindows;

/**
 * Issue 17: three packaged replicas share one real Redis and one stub Coldsend, and whatever
 * happens to Redis or to a replica in the middle of a quota window, Coldsend never sees more than
 * the key allows: {@code coldsend.quota.per-minute} in any sliding 60 s and {@code per-hour} in any
 * sliding 3600 s, summed over every replica. Each test brings up its own Redis, stub and replicas,
 * fires bursts of cold leads before, during and after one fault, then checks every window of the
 * times the stub saw a request, and that each refusal was a well-formed 429 (or a 503), never a
 * hang or another 5xx. Runs from {@code ./mvnw verify} against the packaged jar; alone:
 * {@code ./mvnw verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ReplicasIT}.
 */
class ReplicasIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int PER_MINUTE = 10;
    private static final int PER_HOUR = 1000;
    private static final int REPLICAS = 3;
    /** Cold leads in one burst, spread over the replicas: several minutes' worth, so each burst presses on the budget. */
    private static final int BURST = 45;
    /**
     * Redis commands slower than this put a replica in local-only mode. Not the 250 ms default: on a
     * loaded 2-core machine three replica JVMs miss 250 ms by themselves (every replica flapped to
     * local-only in the first burst of each test), which buries the fault a test means to inject
     * under faults it does not. The budget must hold either way.
     */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** How late the slow link delivers every chunk, each way: above {@link #REDIS_TIMEOUT} on its own. */
    private static final Duration SLOW_REDIS = Duration.ofMillis(2_500);
    private static final String KEY = "cs_live_TEST-ONLY-not-a-real-key";
    private static final String LEADS = "/api/public/v1/campaigns/[^/]+/leads/[^/]+";
    /** Small heap, serial GC, C1 only: three replica JVMs and the build on a 2-core CI machine. */
    private static final List<String> SMALL_JVM = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** What a replica logs on joining (or rejoining) the shared tier, and on falling back without it (RedisTierState). */
    private static final String SHARED_MODE = "shared mode";
    private static final String LOCAL_ONLY = "local-only";
    private static final int TAIL = 25;
    /** The logger of the access log's lines, left out of failure reports. */
    private static final String ACCESS_LINE = "\"loggerName\":\"dev.coldsendproxy.access\"";

    private RedisServer redis;
    private ArrivalLog arrivals;
    private WireMockServer coldsend;
    private DelayingTcpProxy slowLink;
    /** Every replica process this test started, killed ones too, by name: for cleanup and the failure report. */
    private final Map<PackagedProxy, String> started = new LinkedHashMap<>();
    private final List<Burst> bursts = new ArrayList<>();
    private String testName;

    @BeforeEach
    void startRedisAndColdsend(TestInfo test) {
        testName = test.getDisplayName();
        redis = RedisServer.start();
        arrivals = new ArrivalLog();
        coldsend = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(100)
                .extensions(arrivals));
        coldsend.start();
        coldsend.stubFor(get(urlPathMatching(LEADS)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"lead_id\":\"any\",\"email\":\"x@example.com\"}")));
    }

    @AfterEach
    void killEverything() throws InterruptedException {
        for (PackagedProxy replica : started.keySet()) {
            replica.kill();
        }
        if (slowLink != null) {
            slowLink.close();
        }
        if (coldsend != null) {
            coldsend.stop();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aBurstOverThreeReplicasSendsNoMoreThanTheKeyAllows() throws InterruptedException {
        List<PackagedProxy> cluster = startReplicas(redis.url());

        burst("burst", cluster);

        assertTheKeysLimitsHeld();
    }

    @Test
    void redisSlowerThanTheTimeoutDoesNotLetTheReplicasOverspend() throws InterruptedException {
        slowLink = DelayingTcpProxy.start(redis.port());
        List<PackagedProxy> cluster = startReplicas("redis://127.0.0.1:" + slowLink.port());
        burst("before", cluster);
        Map<PackagedProxy, Integer> localOnly = occurrences(cluster, LOCAL_ONLY);

        slowLink.delayEveryChunk(SLOW_REDIS);
        // Commands already on their way when the replicas give up on them still reach Redis, late.
        burst("as Redis slows", cluster);
        awaitEachLogsAgain(cluster, LOCAL_ONLY, localOnly);
        Map<PackagedProxy, Integer> shared = occurrences(cluster, SHARED_MODE);
        burst("while Redis is slow", cluster);
        slowLink.delayEveryChunk(Duration.ZERO);
        awaitEachLogsAgain(cluster, SHARED_MODE, shared);
        burst("after", cluster);

        assertTheKeysLimitsHeld();
    }

    @Test
    void redisPausedMidBurstDoesNotLetTheReplicasOverspend() throws InterruptedException {
        List<PackagedProxy> cluster = startReplicas(redis.url());
        Map<PackagedProxy, Integer> localOnly = occurrences(cluster, LOCAL_ONLY);

        PendingBurst first = fire("before, paused mid-burst", cluster);
        await("a first send to Coldsend from the burst").atMost(PATIENCE).pollInterval(Duration.ofMillis(10))
                .until(() -> arrivals.count(first.campaign()) > 0);
        redis.pause();
        collect(first);
        awaitEachLogsAgain(cluster, LOCAL_ONLY, localOnly);
        Map<PackagedProxy, Integer> shared = occurrences(cluster, SHARED_MODE);
        burst("while Redis is paused", cluster);
        redis.resume();
        awaitEachLogsAgain(cluster, SHARED_MODE, shared);
        burst("after", cluster);

        assertTheKeysLimitsHeld();
    }

    @Test
    void redisRestartedEmptyMidWindowDoesNotGrantASecondMinutesWorth() throws InterruptedException {
        List<PackagedProxy> cluster = startReplicas(redis.url());
        burst("before", cluster); // the whole minute's budget, as far as Redis knows
        Map<PackagedProxy, Integer> localOnly = occurrences(cluster, LOCAL_ONLY);

        redis.kill();
        awaitEachLogsAgain(cluster, LOCAL_ONLY, localOnly);
        Map<PackagedProxy, Integer> shared = occurrences(cluster, SHARED_MODE);
        redis.restart(); // same port, empty: it has forgotten every send of this minute
        awaitEachLogsAgain(cluster, SHARED_MODE, shared);
        burst("after the restart", cluster);
        burst("after the restart, again", cluster);

        assertTheKeysLimitsHeld();
    }

    @Test
    void aReplicaKilledAndRestartedMidWindowDoesNotGrantMore() throws InterruptedException {
        List<PackagedProxy> cluster = startReplicas(redis.url());
        burst("before", cluster);

        PackagedProxy victim = cluster.get(0);
        victim.kill();
        List<PackagedProxy> survivors = cluster.subList(1, cluster.size());
        burst("one replica dead", survivors);
        // No wait for shared mode: the pod is ready, and takes traffic, before Redis first answers it.
        PackagedProxy reborn = launch(redis.url(), started.get(victim) + " restarted").awaitStarted(PATIENCE);
        List<PackagedProxy> healed = new ArrayList<>(survivors);
        healed.add(0, reborn);
        burst("after the restart", healed);

        assertTheKeysLimitsHeld();
    }

    /** Starts {@link #REPLICAS} replicas at once and waits until each listens and works through Redis. */
    private List<PackagedProxy> startReplicas(String redisUrl) throws InterruptedException {
        List<PackagedProxy> cluster = new ArrayList<>();
        for (int i = 1; i <= REPLICAS; i++) {
            cluster.add(launch(redisUrl, "replica " + i));
        }
        for (PackagedProxy replica : cluster) {
            replica.awaitStarted(PATIENCE);
        }
        awaitEachLogsAgain(cluster, SHARED_MODE, occurrencesOf(cluster, replica -> 0));
        return cluster;
    }

    private PackagedProxy launch(String redisUrl, String name) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("COLDSEND_BASE_URL", "http://127.0.0.1:" + coldsend.port());
        env.put("COLDSEND_API_KEY", KEY);
        env.put("COLDSEND_QUOTA_PER_MINUTE", Integer.toString(PER_MINUTE));
        env.put("COLDSEND_QUOTA_PER_HOUR", Integer.toString(PER_HOUR));
        env.put("PROXY_AUTH_MODE", "none");
        env.put("PROXY_REDIS_ENABLED", "true");
        env.put("QUARKUS_REDIS_HOSTS", redisUrl);
        env.put("PROXY_REDIS_EXPECTED_REPLICAS", Integer.toString(REPLICAS));
        env.put("PROXY_REDIS_TIMEOUT", REDIS_TIMEOUT.toMillis() + "ms");
        // A lease must outlive a Redis command's timeout (checked at start-up).
        env.put("PROXY_REDIS_LEASE_TTL", REDIS_TIMEOUT.multipliedBy(2).toMillis() + "ms");
        env.put("PROXY_REDIS_PROBE_INTERVAL", "200ms");
        PackagedProxy replica = PackagedProxy.start(env, SMALL_JVM);
        started.put(replica, name);
        return replica;
    }

    /** Fires one burst of cold leads over {@code targets} and waits for every answer. */
    private Burst burst(String name, List<PackagedProxy> targets) {
        return collect(fire(name, targets));
    }

    /**
     * Sends {@link #BURST} GETs for distinct, never-seen leads at once, round robin over
     * {@code targets}, all under one campaign id so the stub's log tells which burst a send was for.
     */
    private PendingBurst fire(String name, List<PackagedProxy> targets) {
        String campaign = UUID.randomUUID().toString();
        long startNanos = System.nanoTime();
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            PackagedProxy target = targets.get(i % targets.size());
            String replica = started.get(target);
            answers.add(ConcurrentGets.send(target.uri("/api/public/v1/campaigns/" + campaign + "/leads/" + UUID.randomUUID()))
                    .handle((response, failure) -> failure == null ? Answer.of(replica, response)
                            : Answer.none(replica, failure)));
        }
        return new PendingBurst(name, campaign, startNanos, answers);
    }

    /** Waits for every answer of a burst (each request gives up after 30 s, which counts as a hang). */
    private Burst collect(PendingBurst pending) {
        List<Answer> answers = pending.answers().stream().map(CompletableFuture::join).toList();
        Burst burst = new Burst(pending.name(), pending.campaign(), pending.startNanos(), answers);
        bursts.add(burst);
        return burst;
    }

    /**
     * The test's verdict: every 60 s and 3600 s window within the key's limits, every refusal a 429
     * with Retry-After or a 503, and the first burst really spending budget before any fault.
     */
    private void assertTheKeysLimitsHeld() {
        List<Long> sends = arrivals.times();
        SlidingWindows.Busiest minute = SlidingWindows.busiest(sends, MINUTE);
        SlidingWindows.Busiest hour = SlidingWindows.busiest(sends, HOUR);
        String summary = summary(sends, minute, hour);
        System.out.println(summary);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(minute.count()).as("sends to Coldsend in the busiest 60 s window").isLessThanOrEqualTo(PER_MINUTE);
        softly.assertThat(hour.count()).as("sends to Coldsend in the busiest 3600 s window").isLessThanOrEqualTo(PER_HOUR);
        softly.assertThat(bursts.stream().flatMap(burst -> burst.answers().stream()).filter(answer -> !answer.wellFormed())
                .map(Answer::toString).toList())
                .as("answers other than 200, 429 with Retry-After, or 503").isEmpty();
        // Counted at the stub, not as 200s: on a starved machine the proxy's own attempt timeout can turn
        // every answered send into a refusal for the caller, yet each send still spent the budget.
        softly.assertThat(arrivals.count(bursts.get(0).campaign()))
                .as("sends to Coldsend from the first burst, before any fault: without them the budget was never spent")
                .isPositive();
        // Every burst must press on the budget the first one spent, or the fault was never tested.
        long lastBurstAfter = bursts.get(bursts.size() - 1).startNanos() - bursts.get(0).startNanos();
        softly.assertThat(Duration.ofNanos(lastBurstAfter))
                .as("time from the first burst to the last: the scenario must fit in one quota minute").isLessThan(MINUTE);
        List<AssertionError> errors = softly.assertionErrorsCollected();
        if (!errors.isEmpty()) {
            String failures = errors.stream().map(Throwable::getMessage).collect(Collectors.joining("\n"));
            throw new AssertionError(failures + "\n\n" + summary + tails());
        }
    }

    /** What Coldsend saw and what each burst got, for the log and any failure. */
    private String summary(List<Long> sends, SlidingWindows.Busiest minute, SlidingWindows.Busiest hour) {
        long zero = bursts.get(0).startNanos();
        StringBuilder report = new StringBuilder(testName).append(":\n");
        report.append(String.format("%d sends to Coldsend in all; busiest 60 s window: %d (limit %d), sends from %s to %s;"
                + " busiest 3600 s window: %d (limit %d)%n", sends.size(), minute.count(), PER_MINUTE,
                offset(minute.firstNanos(), zero), offset(minute.lastNanos(), zero), hour.count(), PER_HOUR));
        report.append("bursts of ").append(BURST).append(" cold leads (start time from the first burst's):\n");
        for (Burst burst : bursts) {
            report.append(String.format("  %-28s at %s: %2d sent to Coldsend; answers:%s%n", burst.name(),
                    offset(burst.startNanos(), zero), arrivals.count(burst.campaign()), burst.summary()));
        }
        started.forEach((replica, name) -> report.append(String.format("  %s (pid %d%s) fell back to local-only %d time(s)%n",
                name, replica.process().pid(), replica.process().isAlive() ? "" : ", dead",
                occurrences(replica.output(), LOCAL_ONLY))));
        return report.toString();
    }

    /** The end of every replica's output. */
    private String tails() {
        StringBuilder tails = new StringBuilder();
        started.forEach((replica, name) -> tails.append(String.format("--- %s, last %d lines but access lines:%n%s%n", name,
                TAIL, tail(replica))));
        return tails.toString();
    }

    /** The replica's last lines, without the access log: the bursts' answers are summed up above. */
    private static String tail(PackagedProxy replica) {
        List<String> lines = replica.output().lines().filter(line -> !line.contains(ACCESS_LINE)).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL), lines.size()));
    }

    private static String offset(long nanos, long zero) {
        return String.format("%+.2f s", (nanos - zero) / 1e9);
    }

    /** Waits until each replica has logged {@code line} more often than {@code before} says. */
    private void awaitEachLogsAgain(List<PackagedProxy> replicas, String line, Map<PackagedProxy, Integer> before) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (PackagedProxy replica : replicas) {
                assertThat(occurrences(replica.output(), line))
                        .as(() -> String.format("times %s logged \"%s\" (had %d); its last lines:%n%s", started.get(replica), line,
                                before.get(replica), tail(replica)))
                        .isGreaterThan(before.get(replica));
            }
        });
    }

    private static Map<PackagedProxy, Integer> occurrences(List<PackagedProxy> replicas, String line) {
        return occurrencesOf(replicas, replica -> occurrences(replica.output(), line));
    }

    private static Map<PackagedProxy, Integer> occurrencesOf(List<PackagedProxy> replicas, Function<PackagedProxy, Integer> count) {
        Map<PackagedProxy, Integer> counts = new LinkedHashMap<>();
        replicas.forEach(replica -> counts.put(replica, count.apply(replica)));
        return counts;
    }

    private static int occurrences(String text, String line) {
        int count = 0;
        for (int at = text.indexOf(line); at >= 0; at = text.indexOf(line, at + line.length())) {
            count++;
        }
        return count;
    }

    /** A burst sent and not yet answered in full. */
    private record PendingBurst(String name, String campaign, long startNanos, List<CompletableFuture<Answer>> answers) {
    }

    /** A burst and every answer it got. */
    private record Burst(String name, String campaign, long startNanos, List<Answer> answers) {

        /** Answers by kind, e.g. {@code 200 x10, 429 x35}. */
        String summary() {
            Map<String, Long> kinds = answers.stream().collect(Collectors.groupingBy(Answer::kind, TreeMap::new, Collectors.counting()));
            return kinds.entrySet().stream().map(kind -> kind.getValue() + " x " + kind.getKey())
                    .collect(Collectors.joining("\n" + " ".repeat(8), "\n" + " ".repeat(8), ""));
        }
    }

    /** One request's outcome: a status (with any Retry-After and, when refused, the body), or no answer at all. */
    private record Answer(String replica, int status, String retryAfter, String body, String problem) {

        static Answer of(String replica, HttpResponse<byte[]> response) {
            String body = response.statusCode() == 200 ? "" : new String(response.body(), StandardCharsets.UTF_8);
            return new Answer(replica, response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                    body, null);
        }

        static Answer none(String replica, Throwable failure) {
            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
            return new Answer(replica, -1, null, "", cause.toString());
        }

        /** 200, a 429 that says when to come back, or a 503: what a caller may get while the budget is spent. */
        boolean wellFormed() {
            return status == 200 || (status == 429 && retryAfter != null) || status == 503;
        }

        String kind() {
            if (problem != null) {
                return "no answer";
            }
            String kind = status == 429 && retryAfter == null ? "429 without Retry-After" : Integer.toString(status);
            return body.isEmpty() ? kind : kind + " " + body;
        }

        @Override
        public String toString() {
            return replica + ": " + (problem != null ? "no answer (" + problem + ")"
                    : status + (retryAfter != null ? " Retry-After " + retryAfter : "") + " " + body);
        }
    }
}
