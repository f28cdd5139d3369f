package dev.coldsendproxy.bench;

/**
 * Prints each trace's size and offline bound at the proxy's default TTL and the key's limits
 * (100/min, 1000/h), so a replay's answered count has a ceiling to be read against.
 * Run: {@code ./mvnw -o -q test-compile && java -cp target/test-classes dev.coldsendproxy.bench.TracesMain}
 */
public final class TracesMain {

    private TracesMain() {}

    public static void main(String[] args) {
        System.out.printf("%-24s %8s %12s %7s %8s %8s %8s%n",
                "trace", "asks", "fetchesAll", "budget", "bound", "bound%", "ms");
        for (Trace trace : Traces.all()) {
            long start = System.nanoTime();
            OfflineBound.Result result = OfflineBound.compute(trace, Traces.DEFAULT_TTL_MILLIS, 100, 1000);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%-24s %8d %12d %7d %8d %7.1f%% %8d%n", trace.name(), result.asks(),
                    result.fetchesToAnswerAll(), result.budget(), result.bound(),
                    100.0 * result.bound() / result.asks(), millis);
        }
    }
}
