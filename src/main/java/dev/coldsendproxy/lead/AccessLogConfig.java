package dev.coldsendproxy.lead;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The access lines' hand-over from requests to their writer thread. */
@ConfigMapping(prefix = "proxy.access-log")
public interface AccessLogConfig {

    /**
     * Lines that may wait for the writer thread; beyond it, lines are dropped (counted in
     * {@code proxy_access_lines_dropped_total}) rather than blocking requests. Default 16384:
     * several seconds of a replica's peak rate, about 1 MB of small records.
     */
    @WithDefault("16384")
    int queue();
}
