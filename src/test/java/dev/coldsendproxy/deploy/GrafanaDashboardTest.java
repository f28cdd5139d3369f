package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The dashboard loads the way the README says: its kustomization turns the one JSON file into a
 * ConfigMap labelled for Grafana's sidecar, and every panel asks the data source picked in the
 * dashboard's variable (a fixed uid would break on every other Grafana). Metric names are
 * checked against a live scrape by {@code MetricNamesTest}.
 */
class GrafanaDashboardTest {

    static final Path DIRECTORY = Path.of("deploy", "grafana");
    static final String DASHBOARD = "coldsend-proxy-dashboard.json";

    @Test
    void kustomizationMakesTheJsonAConfigMapForTheGrafanaSidecar() throws IOException {
        JsonNode generator = new ObjectMapper(new YAMLFactory()).readTree(DIRECTORY.resolve("kustomization.yaml").toFile())
                .path("configMapGenerator").get(0);

        assertThat(generator.path("files").get(0).asText()).isEqualTo(DASHBOARD);
        assertThat(generator.at("/options/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(generator.at("/options/disableNameSuffixHash").asBoolean()).isTrue();
    }

    @Test
    void everyPanelQueriesTheChosenPrometheusDataSource() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DIRECTORY.resolve(DASHBOARD).toFile());
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if (!"row".equals(panel.path("type").asText())) {
                panels.add(panel);
            }
        });

        assertThat(dashboard.path("uid").asText()).isEqualTo("coldsend-proxy");
        assertThat(panels).hasSizeGreaterThanOrEqualTo(15).allSatisfy(panel -> {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets").forEach(target -> assertThat(target.path("expr").asText()).isNotBlank());
        });
        assertThat(panels).extracting(panel -> panel.path("id").asInt()).doesNotHaveDuplicates();
    }
}
