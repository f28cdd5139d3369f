package dev.coldsendproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * One event loop per CPU is the default of the running proxy, and any explicit setting wins over it.
 */
@QuarkusTest
class EventLoopDefaultTest {

    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    @Test
    void theRunningProxyDefaultsToOneEventLoopPerCpu() {
        assertThat(ConfigProvider.getConfig().getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(CPUS);
    }

    @Test
    void anExplicitSettingWins() {
        SmallRyeConfig defaultsOnly = new SmallRyeConfigBuilder().withSources(new EventLoopDefault()).build();
        assertThat(defaultsOnly.getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(CPUS);

        // application.properties has ordinal 250; the environment 300 and system properties 400 are higher still.
        SmallRyeConfig configured = new SmallRyeConfigBuilder()
                .withSources(new EventLoopDefault(),
                        new PropertiesConfigSource(Map.of(EventLoopDefault.PROPERTY, "7"), "application.properties", 250))
                .build();
        assertThat(configured.getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(7);
    }
}
