package dev.coldsendproxy.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Keeps OTLP span export off until someone names a collector. Quarkus otherwise exports to
 * {@code http://localhost:4317} whenever tracing is on, so a pod, a test or {@code quarkus:dev}
 * without a collector logs a failed export every few seconds. Spans are still made and the W3C
 * context still propagated (the trace id in the access line, the {@code traceparent} sent to
 * Coldsend); only the exporter is left out.
 *
 * <p>Quarkus reads {@code quarkus.otel.exporter.otlp.traces.endpoint} first, then
 * {@code quarkus.otel.exporter.otlp.endpoint}, skipping either when it holds Quarkus's default, and
 * installs no exporter when the one it picks is blank. This interceptor answers that first
 * property: with what was configured for it, else for {@code quarkus.otel.exporter.otlp.endpoint},
 * else the standard {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * variables (which Quarkus itself does not read), else a blank. Quarkus's own default of either
 * property does not count as configured: it is served by a source of negative ordinal.
 */
public class TraceExportSwitch implements ConfigSourceInterceptor {

    /** The property Quarkus reads first for where to export spans. */
    public static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    static final String[] STANDARD_VARIABLES = { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT" };
    /** Blank, not empty: an empty value counts as unset, and Quarkus then exports to localhost. */
    static final String NO_EXPORT = " ";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue asked = context.proceed(name);
        if (!TRACES_ENDPOINT.equals(name) || configured(asked)) {
            return asked;
        }
        // restart: through the whole chain, so profiles, expressions and relocations apply to these too.
        ConfigValue general = context.restart(ENDPOINT);
        if (configured(general)) {
            return general.withName(TRACES_ENDPOINT);
        }
        for (String variable : STANDARD_VARIABLES) {
            ConfigValue standard = context.restart(variable);
            if (configured(standard)) {
                return standard.withName(TRACES_ENDPOINT);
            }
        }
        ConfigValue none = asked != null ? asked : ConfigValue.builder().withName(TRACES_ENDPOINT).build();
        return none.withValue(NO_EXPORT);
    }

    /** Set by a person (a file, the environment, a system property), not by a library's default. */
    private static boolean configured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > 0;
    }
}
