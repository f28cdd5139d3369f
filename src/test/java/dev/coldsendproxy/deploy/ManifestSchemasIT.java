package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Every manifest the project ships, generated or written by hand, is one the Kubernetes API would
 * take: checked against the API's own definitions ({@link KubernetesSchema}) after {@code package}
 * generated target/kubernetes. A new file under deploy/ is checked without being named here.
 */
class ManifestSchemasIT {

    private static final Path DEPLOY = Path.of("deploy");

    @Test
    void everyShippedManifestIsValidAgainstTheKubernetesApiDefinitions() throws IOException {
        List<Path> files = shippedManifests();
        assertThat(files).contains(Manifests.GENERATED, Manifests.CONFIGMAP_EXAMPLE,
                Path.of("deploy", "redis-tier", "redis.yaml"), Path.of("deploy", "redis-tier", "configmap.yaml"));

        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (Path file : files) {
            for (JsonNode document : documents(file)) {
                String name = document.path("apiVersion").asText() + "/" + document.path("kind").asText() + " "
                        + document.at("/metadata/name").asText();
                problems.addAll(KubernetesSchema.problems(document).stream().map(p -> file + ": " + p).toList());
                checked.add((KubernetesSchema.hasDefinition(document) ? "schema-checked  " : "structural only ")
                        + name + " (" + file + ")");
            }
        }
        checked.forEach(System.out::println);

        assertThat(problems).as("manifests the Kubernetes API would reject").isEmpty();
        assertThat(checked).filteredOn(line -> line.startsWith("schema-checked")).extracting(line -> line.split(" +")[1])
                .contains("apps/v1/Deployment", "v1/Service", "policy/v1/PodDisruptionBudget",
                        "networking.k8s.io/v1/NetworkPolicy", "v1/ConfigMap");
    }

    /**
     * The generated file as operators apply it (and its JSON twin), and every YAML file under deploy/
     * except kustomize's own {@code kustomization.yaml}: kubectl reads that file ({@code apply -k}), the
     * API server never sees it, and it has no API definition to check against.
     */
    private static List<Path> shippedManifests() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Manifests.GENERATED, Manifests.GENERATED.resolveSibling("kubernetes.json")));
        try (Stream<Path> deploy = Files.walk(DEPLOY)) {
            deploy.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .forEach(files::add);
        }
        return files;
    }

    /** Every document of a file; a JSON array (Quarkus's kubernetes.json) counts as its items. */
    private static List<JsonNode> documents(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: *IT tests run after the package phase (./mvnw verify)");
        }
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(file.toFile())) {
            it.forEachRemaining(document -> {
                if (document != null && document.isArray()) {
                    document.forEach(documents::add);
                } else if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            });
        }
        return documents;
    }
}
