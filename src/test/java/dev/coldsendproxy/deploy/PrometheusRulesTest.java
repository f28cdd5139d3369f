package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The alert rules shipped as a PrometheusRule (src/main/kubernetes/kubernetes.yml) are valid
 * Prometheus rules and behave as their unit tests say ({@code promtool check rules} and
 * {@code promtool test rules}, Debian's {@code prometheus} package), every alert is tested firing
 * and not firing, and each has the annotations and README runbook an operator needs. Without
 * promtool the promtool tests are skipped locally, never in CI ({@code CI=true}).
 */
class PrometheusRulesTest {

    static final Path SOURCE = Path.of("src", "main", "kubernetes", "kubernetes.yml");
    static final Path UNIT_TESTS = Path.of("src", "test", "resources", "prometheus", "coldsend-proxy-rules.test.yaml");
    static final Path WORK = Path.of("target", "prometheus");
    /** The name the unit tests' rule_files expects. */
    static final String RULES_FILE = "coldsend-proxy-rules.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> alerts;

    @BeforeAll
    static void extractTheRuleGroups() throws IOException {
        JsonNode rule = Manifests.read(SOURCE).all("PrometheusRule").get(0);
        ObjectNode plain = JsonNodeFactory.instance.objectNode();
        plain.set("groups", rule.path("spec").path("groups"));
        Files.createDirectories(WORK);
        YAML.writeValue(WORK.resolve(RULES_FILE).toFile(), plain);
        Files.copy(UNIT_TESTS, WORK.resolve(UNIT_TESTS.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        alerts = new ArrayList<>();
        rule.path("spec").path("groups").forEach(group -> group.path("rules").forEach(alerts::add));
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        assertThat(promtool("check", "rules", RULES_FILE)).isZero();
    }

    @Test
    void everyAlertBehavesAsItsUnitTestsSay() throws Exception {
        assertThat(promtool("test", "rules", UNIT_TESTS.getFileName().toString())).isZero();
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() throws IOException {
        Set<String> fired = new HashSet<>();
        Set<String> silent = new HashSet<>();
        YAML.readTree(UNIT_TESTS.toFile()).path("tests").forEach(test -> test.path("alert_rule_test").forEach(check -> {
            String name = check.path("alertname").asText();
            (check.path("exp_alerts").isEmpty() ? silent : fired).add(name);
        }));
        assertThat(alerts).extracting(alert -> alert.path("alert").asText()).isNotEmpty()
                .allSatisfy(name -> assertThat(fired).as("a test where %s fires", name).contains(name))
                .allSatisfy(name -> assertThat(silent).as("a test where %s stays silent", name).contains(name));
    }

    @Test
    void everyAlertHasASummaryADescriptionAndARunbookInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(6).allSatisfy(alert -> {
            String name = alert.path("alert").asText();
            JsonNode annotations = alert.path("annotations");
            assertThat(annotations.path("summary").asText()).as(name).isNotBlank();
            assertThat(annotations.path("description").asText()).as(name).isNotBlank();
            assertThat(annotations.path("runbook_url").asText()).as(name)
                    .isEqualTo("README.md#" + name.toLowerCase(Locale.ROOT));
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
            assertThat(readme).as("README runbook heading for " + name).containsPattern("(?m)^#### " + name + "$");
        });
    }

    /** Runs promtool in {@link #WORK}; skipped where it is missing, except in CI. */
    private static int promtool(String... args) throws Exception {
        boolean installed = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(installed, "promtool is not installed (apt-get install prometheus); .ci/run installs it");
        }
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        int exit = process.exitValue();
        assertThat(exit).as(output).isZero();
        return exit;
    }
}
