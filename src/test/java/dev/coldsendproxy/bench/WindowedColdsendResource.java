package dev.coldsendproxy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the {@link WindowedColdsend} for a replay and points the proxy at it. */
public class WindowedColdsendResource implements QuarkusTestResourceLifecycleManager {

    private WindowedColdsend coldsend;

    @Override
    public Map<String, String> start() {
        try {
            coldsend = new WindowedColdsend(100, 1000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("coldsend.base-url", coldsend.baseUrl(), "coldsend.api-key", WindowedColdsend.KEY);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(coldsend, new TestInjector.MatchesType(WindowedColdsend.class));
    }

    @Override
    public void stop() {
        if (coldsend != null) {
            coldsend.close();
        }
    }
}
