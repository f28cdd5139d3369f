package dev.coldsendproxy.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name check reads what it should out of PromQL: names, not functions, labels or variables. */
class PromQlTest {

    @Test
    void findsMetricNamesButNotFunctionsLabelsKeywordsOrVariables() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate(proxy_upstream_requests_seconds_bucket"
                + "{pod=~\"$pod\"}[$__rate_interval])))")).containsExactly("proxy_upstream_requests_seconds_bucket");
        assertThat(PromQl.metricNames("proxy_redis_tier_enabled == 1 and proxy_redis_tier_shared == 0"))
                .containsExactly("proxy_redis_tier_enabled", "proxy_redis_tier_shared");
        assertThat(PromQl.metricNames("(sum by (consumer) (rate(a_total{outcome=\"rejected\"}[5m])) / sum by (consumer)"
                + " (rate(b_total[5m])) > 0.05) and sum without (pod) (c) > 1e3"))
                .containsExactly("a_total", "b_total", "c");
    }
}
