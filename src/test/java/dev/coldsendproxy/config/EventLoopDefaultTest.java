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
 * One event loop per CPU less one (at least one) is the default of the running proxy, and any
 * explicit setting wins over it.
 */
@QuarkusTest
class EventLoopDefaultTest {

    private static final int LOOPS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

    @Test
    void theRunningProxyDefaultsToOneEventLoopPerCpuLessOne() {
        assertThat(ConfigProvider.getConfig().getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(LOOPS);
    }

    @Test
    void leavesOneCpuToTheOtherThreadsButAlwaysRunsALoop() {
        assertThat(EventLoopDefault.loopsFor(1)).isEqualTo(1);
        assertThat(EventLoopDefault.loopsFor(2)).isEqualTo(1);
        assertThat(EventLoopDefault.loopsFor(4)).isEqualTo(3);
    }

    @Test
    void anExplicitSettingWins() {
        SmallRyeConfig defaultsOnly = new SmallRyeConfigBuilder().withSources(new EventLoopDefault()).build();
        assertThat(defaultsOnly.getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(LOOPS);

        // application.properties has ordinal 250; the environment 300 and system properties 400 are higher still.
        SmallRyeConfig configured = new SmallRyeConfigBuilder()
                .withSources(new EventLoopDefault(),
                        new PropertiesConfigSource(Map.of(EventLoopDefault.PROPERTY, "7"), "application.properties", 250))
                .build();
        assertThat(configured.getValue(EventLoopDefault.PROPERTY, Integer.class)).isEqualTo(7);
    }
}
