package dev.coldsendproxy.lead;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

/**
 * The server and the upstream client run on epoll where the native library exists (Linux
 * x86-64, as on our CI): it takes less CPU per cache hit than NIO (docs/benchmarks.md). Elsewhere
 * Vert.x must fall back to NIO instead of failing.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class NativeTransportTest extends ProxyTestBase {

    @Inject
    Vertx vertx;

    @Test
    void runsOnEpollOnLinuxX8664() {
        boolean linuxX8664 = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        assertThat(vertx.isNativeTransportEnabled()).isEqualTo(linuxX8664);
    }
}
