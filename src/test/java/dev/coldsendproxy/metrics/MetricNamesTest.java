package dev.coldsendproxy.metrics;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.coldsendproxy.quota.BudgetWaits;
import dev.coldsendproxy.quota.SmallQuotaProfile;
import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ConcurrentGets;
import dev.coldsendproxy.support.Metrics;
import dev.coldsendproxy.support.PromQl;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import jakarta.inject.Inject;

/**
 * Every metric the Grafana dashboard and the alert rules read is one the running proxy exports,
 * under that exact sample name and with the labels they select on: traffic that makes each of
 * them appear (hits, misses, retries, stale copies, waits, 429s both ways), then one scrape.
 */
@QuarkusTest
@TestProfile(SmallQuotaProfile.class)
@WithTestResource(ColdsendStubResource.class)
class MetricNamesTest extends ProxyTestBase {

    static final Path DASHBOARD = Path.of("deploy", "grafana", "coldsend-proxy-dashboard.json");
    static final Path RULES = Path.of("src", "main", "kubernetes", "kubernetes.yml");
    /** Added by Prometheus's scrape (the ServiceMonitor), not by the proxy. */
    static final Set<String> SCRAPE_LABELS = Set.of("pod", "namespace", "instance", "job");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

    @TestHTTPResource("/")
    URI proxy;

    @Inject
    BudgetWaits waits;

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsExported() throws IOException {
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        expressions.addAll(ruleExpressions());
        assertThat(expressions).hasSizeGreaterThan(20);

        driveTrafficThatMakesEveryMetricAppear();
        Metrics scrape = Metrics.scrape();

        Set<String> names = new TreeSet<>();
        expressions.forEach(expression -> names.addAll(PromQl.metricNames(expression)));
        assertThat(names).contains("proxy_lead_requests_total", "proxy_upstream_requests_seconds_bucket", "proxy_ready");
        assertThat(names).allSatisfy(name -> assertThat(scrape.has(name)).as("%s in /q/metrics", name).isTrue());
        labelsSelectedOn(expressions).forEach((name, labels) -> labels.forEach(label -> assertThat(scrape.text())
                .as("%s has a label %s", name, label).containsPattern(Pattern.quote(name) + "\\{[^}]*\\b" + label + "=")));
    }

    /** Hits, a miss, retried 503s, a stale copy, a served wait, 429s to the caller and from Coldsend. */
    private void driveTrafficThatMakesEveryMetricAppear() {
        String campaign = uuid();
        String hot = uuid();
        String failing = uuid();
        upstreamAnswers(campaign, hot, lead(leadBody(hot)));
        upstreamAnswers(campaign, failing, error(503, "down"));
        given().get(leadPath(campaign, hot)).then().statusCode(200);
        given().get(leadPath(campaign, hot)).then().statusCode(200).header("X-Cache", "HIT");
        given().get(leadPath(campaign, failing)).then().statusCode(502);

        ticker.advance(Duration.ofSeconds(31));
        upstreamAnswers(campaign, hot, error(500, "boom"));
        given().get(leadPath(campaign, hot)).then().statusCode(200).header("X-Cache", "STALE");

        // Spend the rest of the minute with cold asks until the budget says no.
        upstreamAnswersEveryLead(lead(leadBody(uuid())));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Prefer", "wait=0")
                .get(leadPath(campaign, uuid())).statusCode() == 429);
        // The first unit leaves the window a minute and its time in flight after it was spent, 31 s
        // ago: a cold ask waits for it.
        ticker.advance(Duration.ofSeconds(27).plus(inFlight()));
        CompletableFuture<HttpResponse<byte[]>> waiting = ConcurrentGets.send(proxy.resolve(leadPath(campaign, uuid())),
                "Prefer", "wait=5");
        await().atMost(Duration.ofSeconds(20)).until(() -> waits.waiting() == 1);
        ticker.advance(Duration.ofSeconds(3));
        assertThat(ConcurrentGets.await(waiting).statusCode()).isEqualTo(200);

        // A fresh minute; Coldsend itself says 429 (it must never, which is what the alert is for).
        ticker.advance(Duration.ofMinutes(2));
        String limited = uuid();
        upstreamAnswers(campaign, limited, aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withHeader("Content-Type", "application/json").withBody("{\"detail\": \"Rate limit exceeded\"}"));
        given().get(leadPath(campaign, limited)).then().statusCode(429);
    }

    private static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target ->
                expressions.add(target.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(variable -> {
            if ("query".equals(variable.path("type").asText())) {
                expressions.add(variable.path("definition").asText().replaceAll("label_values\\(([^,]+),.*", "$1"));
            }
        });
        return expressions;
    }

    private static List<String> ruleExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).<JsonNode>readValues(RULES.toFile())
                .forEachRemaining(document -> {
                    if (document != null && "PrometheusRule".equals(document.path("kind").asText())) {
                        document.path("spec").path("groups").forEach(group -> group.path("rules")
                                .forEach(rule -> expressions.add(rule.path("expr").asText())));
                    }
                });
        return expressions;
    }

    /** Label names each metric is selected on in {@code name{label="..."}}, bar those the scrape adds. */
    private static Map<String, Set<String>> labelsSelectedOn(List<String> expressions) {
        Map<String, Set<String>> labels = new TreeMap<>();
        for (String expression : expressions) {
            Matcher selector = SELECTOR.matcher(expression);
            while (selector.find()) {
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    if (!SCRAPE_LABELS.contains(matcher.group(1))) {
                        labels.computeIfAbsent(selector.group(1), name -> new TreeSet<>()).add(matcher.group(1));
                    }
                }
            }
        }
        return labels;
    }
}
