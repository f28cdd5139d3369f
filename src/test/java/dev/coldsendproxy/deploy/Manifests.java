package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Kubernetes manifests read as plain trees, the way kubectl reads them: the tests assert on the
 * generated file itself, not on what Quarkus was asked to generate.
 */
final class Manifests {

    /** What {@code ./mvnw package} generates and what operators {@code kubectl apply}. */
    static final Path GENERATED = Path.of("target", "kubernetes", "kubernetes.yml");

    /** The example ConfigMap operators copy and edit. */
    static final Path CONFIGMAP_EXAMPLE = Path.of("deploy", "configmap-example.yaml");

    /** The Redis tier's manifests, applied beside the generated ones (README "Scaling out"). */
    static final Path REDIS_TIER = Path.of("deploy", "redis-tier");

    /** The container the Deployment runs. */
    static final String CONTAINER = "coldsend-proxy";

    private final List<JsonNode> documents;

    private Manifests(List<JsonNode> documents) {
        this.documents = documents;
    }

    /** Every document of a multi-document YAML file; fails clearly when the build did not produce it. */
    static Manifests read(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: *IT tests run after the package phase (./mvnw verify)");
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> documents = new ArrayList<>();
            it.forEachRemaining(document -> {
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(document);
                }
            });
            return new Manifests(documents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The generated file. */
    static Manifests generated() {
        return read(GENERATED);
    }

    /**
     * What {@code kubectl apply -f target/kubernetes/kubernetes.yml -f deploy/redis-tier/} creates: the
     * generated manifests and every YAML file of the Redis tier's folder, in kubectl's (name) order.
     */
    static Manifests withRedisTier() {
        List<JsonNode> documents = new ArrayList<>(generated().documents);
        try (Stream<Path> files = Files.list(REDIS_TIER)) {
            files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .forEach(file -> documents.addAll(read(file).documents));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(documents);
    }

    /** All documents of one kind. */
    List<JsonNode> all(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** The one document of a kind; fails if there are none or several. */
    JsonNode one(String kind) {
        List<JsonNode> found = all(kind);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " in the manifests, found " + found.size());
        }
        return found.get(0);
    }

    /** The one document of a kind with this name; fails if there is none. */
    JsonNode named(String kind, String name) {
        List<JsonNode> found = all(kind).stream().filter(d -> name.equals(d.at("/metadata/name").asText())).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + kind + " named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The proxy's own object of a kind (Deployment, Service, ...), named like the proxy. */
    JsonNode proxy(String kind) {
        return named(kind, CONTAINER);
    }

    /** The proxy's container in the Deployment's pod template. */
    JsonNode container() {
        JsonNode containers = proxy("Deployment").at("/spec/template/spec/containers");
        return StreamSupport.stream(containers.spliterator(), false)
                .filter(c -> CONTAINER.equals(c.path("name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named " + CONTAINER + " in the Deployment"));
    }

    /** The container port with this name ({@code http} or {@code management}). */
    int containerPort(String name) {
        return StreamSupport.stream(container().path("ports").spliterator(), false)
                .filter(p -> name.equals(p.path("name").asText()))
                .mapToInt(p -> p.path("containerPort").asInt())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name));
    }

    /**
     * The pod runs as a non-root user, and the container on a read-only root with no privilege
     * escalation and every capability dropped: what the proxy's and Redis's Deployments both promise.
     */
    static void assertLockedDown(JsonNode podSpec, JsonNode container) {
        assertThat(podSpec.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(podSpec.at("/securityContext/runAsUser").asInt()).isPositive();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(list(container.at("/securityContext/capabilities/drop"))).extracting(JsonNode::asText).contains("ALL");
    }

    /** Elements of an array node as a list, for AssertJ. */
    static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }
}
