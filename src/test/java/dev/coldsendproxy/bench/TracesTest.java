package dev.coldsendproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** Every replay must see the same documented demand, or results cannot be compared across runs. */
class TracesTest {

    @Test
    void dayTraceIsDeterministicAndHasTheDocumentedMix() {
        Trace current = Traces.a(false);
        Trace dayOld = Traces.a(true);

        assertThat(current.asks()).isEqualTo(Traces.a(false).asks());
        assertThat(dayOld.asks()).isEqualTo(current.asks());
        assertThat(countByConsumer(current.asks()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("billing", 172_800L, "dashboard", 43_200L, "crm-sync", 28_800L));
        assertThat(current.asks()).allMatch(a -> !a.consumer().equals("billing") || a.lead() < 10_000)
                .allMatch(a -> !a.consumer().equals("dashboard") || (a.lead() >= 100_000 && a.lead() < 100_200));
        assertThat(current.maxStaleMillis("billing")).isEqualTo(600_000);
        assertThat(dayOld.maxStaleMillis("billing")).isEqualTo(86_400_000);
        assertThat(dayOld.maxStaleMillis("crm-sync")).isEqualTo(600_000);
        assertSortedWithin(current);
    }

    @Test
    void overloadTraceIsDeterministicAndHasTheDocumentedCount() {
        Trace trace = Traces.b();

        assertThat(trace.asks()).isEqualTo(Traces.b().asks());
        assertThat(countByConsumer(trace.asks()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("bulk-1", 66_667L, "bulk-2", 66_667L, "bulk-3", 66_666L));
        assertThat(trace.asks().get(1).atMillis()).isEqualTo(36);
        assertSortedWithin(trace);
    }

    @Test
    void criticalTraceIsDeterministicAndHasTheDocumentedCount() {
        Trace trace = Traces.c();

        assertThat(trace.asks()).isEqualTo(Traces.c().asks());
        assertThat(countByConsumer(trace.asks()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("critical", 1_200L, "background", 36_000L));
        assertThat(trace.consumers().get("critical").priority()).isEqualTo("critical");
        assertThat(trace.asks().get(0).consumer()).isEqualTo("critical");
        assertSortedWithin(trace);
    }

    @Test
    void leadIdsAreStrictVersionFourUuids() {
        assertThat(Trace.leadId(255)).isEqualTo("00000000-0000-4000-8000-0000000000ff");
        assertThat(Trace.leadId(300_000)).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(Trace.CAMPAIGN).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void dayOldToleranceNeverLowersTheBound() {
        OfflineBound.Result current = OfflineBound.compute(Traces.a(false), Traces.DEFAULT_TTL_MILLIS, 100, 1000);
        OfflineBound.Result dayOld = OfflineBound.compute(Traces.a(true), Traces.DEFAULT_TTL_MILLIS, 100, 1000);

        assertThat(dayOld.bound()).isGreaterThanOrEqualTo(current.bound());
        assertThat(current.budget()).isEqualTo(24_000);
    }

    private static Map<String, Long> countByConsumer(List<Ask> asks) {
        return asks.stream().collect(Collectors.groupingBy(Ask::consumer, Collectors.counting()));
    }

    private static void assertSortedWithin(Trace trace) {
        assertThat(trace.asks()).isSortedAccordingTo(Comparator.comparingLong(Ask::atMillis));
        assertThat(trace.asks()).allMatch(a -> a.atMillis() >= 0 && a.atMillis() < trace.durationMillis());
        assertThat(trace.asks().stream().map(Ask::consumer).distinct().toList())
                .allMatch(trace.consumers()::containsKey);
    }
}
