package dev.coldsendproxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.PackagedProxy;

/** The packaged jar refuses to start misconfigured, with one line that says what to set. */
class StartupChecksIT {

    @Test
    void refusesToStartWithoutTheColdsendKey() throws Exception {
        try (PackagedProxy proxy = PackagedProxy.start(Map.of("PROXY_AUTH_MODE", "none"))) {
            assertThat(proxy.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(proxy.output().strip().lines()).singleElement().asString()
                    .contains("COLDSEND_API_KEY is not set");
        }
    }

    @Test
    void refusesToStartWithKeyAuthButNoConsumer() throws Exception {
        try (PackagedProxy proxy = PackagedProxy.start(Map.of("COLDSEND_API_KEY", "cs_live_TEST-ONLY-not-a-real-key"))) {
            assertThat(proxy.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(proxy.output()).contains("no consumer is configured").contains("proxy.consumers.")
                    .doesNotContain("cs_live_TEST-ONLY-not-a-real-key").doesNotContain("\tat ");
        }
    }
}
