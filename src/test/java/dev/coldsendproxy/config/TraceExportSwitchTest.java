package dev.coldsendproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Span export stays off until a collector is named, in any of the ways people name one. */
class TraceExportSwitchTest {

    private static final String QUARKUS_DEFAULT = "http://localhost:4317/";

    @Test
    void leavesTheTracesEndpointBlankWhenNothingNamesACollector() {
        assertThat(tracesEndpoint(Map.of())).isBlank();
    }

    @Test
    void takesTheTracesEndpointWhenConfigured() {
        assertThat(tracesEndpoint(Map.of(TraceExportSwitch.TRACES_ENDPOINT, "http://collector:4317",
                TraceExportSwitch.ENDPOINT, "http://other:4317"))).isEqualTo("http://collector:4317");
    }

    @Test
    void takesTheGeneralOtlpEndpoint() {
        assertThat(tracesEndpoint(Map.of(TraceExportSwitch.ENDPOINT, "http://collector:4317")))
                .isEqualTo("http://collector:4317");
    }

    @Test
    void takesTheStandardOtelVariables() {
        assertThat(tracesEndpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")))
                .isEqualTo("http://collector:4317");
        assertThat(tracesEndpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318"))).isEqualTo("http://traces:4318");
    }

    @Test
    void takesQuarkusDefaultAddressWhenSomeoneSetsItOnPurpose() {
        // A collector as a sidecar listens on localhost:4317: naming it must work.
        assertThat(tracesEndpoint(Map.of(TraceExportSwitch.ENDPOINT, QUARKUS_DEFAULT))).isEqualTo(QUARKUS_DEFAULT);
    }

    @Test
    void leavesOtherPropertiesAlone() {
        SmallRyeConfig config = config(Map.of("proxy.cache.ttl", "30s"));
        assertThat(config.getConfigValue("proxy.cache.ttl").getValue()).isEqualTo("30s");
        assertThat(config.getConfigValue(TraceExportSwitch.ENDPOINT).getValue()).isEqualTo(QUARKUS_DEFAULT);
    }

    /** The traces endpoint as Quarkus would read it, with {@code userSet} in a file or the environment. */
    private static String tracesEndpoint(Map<String, String> userSet) {
        return config(userSet).getConfigValue(TraceExportSwitch.TRACES_ENDPOINT).getValue();
    }

    private static SmallRyeConfig config(Map<String, String> userSet) {
        return new SmallRyeConfigBuilder()
                // Quarkus's defaults of both properties sit in a source of the lowest ordinal.
                .withSources(new PropertiesConfigSource(Map.of(TraceExportSwitch.TRACES_ENDPOINT, QUARKUS_DEFAULT,
                        TraceExportSwitch.ENDPOINT, QUARKUS_DEFAULT), "defaults", Integer.MIN_VALUE))
                .withSources(new PropertiesConfigSource(userSet, "user", 300))
                .withInterceptors(new TraceExportSwitch())
                .build();
    }
}
