package dev.coldsendproxy.support;

import io.quarkus.test.common.http.TestHTTPResourceManager;

/** URLs on the management interface of the proxy under test (its own random port in tests). */
public final class Management {

    private Management() {
    }

    /** Absolute URL of {@code path} (starting with {@code /}) on the management port. */
    public static String url(String path) {
        String base = TestHTTPResourceManager.getManagementUri();
        int slash = base.indexOf('/', "http://".length());
        return (slash < 0 ? base : base.substring(0, slash)) + path;
    }
}
