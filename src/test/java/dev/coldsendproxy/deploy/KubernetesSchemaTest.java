package dev.coldsendproxy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The schema check itself: it passes a valid manifest and rejects what the API server would reject. */
class KubernetesSchemaTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: coldsend-proxy
              labels:
                app.kubernetes.io/name: coldsend-proxy
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app.kubernetes.io/name: coldsend-proxy
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: coldsend-proxy
                spec:
                  containers:
                    - name: coldsend-proxy
                      image: docker.io/coldsend/coldsend-proxy:1.0.0
                      ports:
                        - name: management
                          containerPort: 9000
                      readinessProbe:
                        httpGet:
                          path: /q/health/ready
                          port: 9000
                      resources:
                        limits:
                          cpu: 1000m
                          memory: 512Mi
                      securityContext:
                        readOnlyRootFilesystem: true
            """;

    @Test
    void acceptsAValidDeployment() {
        assertThat(KubernetesSchema.problems(yaml(DEPLOYMENT))).isEmpty();
        assertThat(KubernetesSchema.hasDefinition(yaml(DEPLOYMENT))).isTrue();
    }

    @Test
    void rejectsAMisspelledField() {
        JsonNode misspelled = yaml(DEPLOYMENT.replace("replicas: 2", "replcas: 2"));

        assertThat(KubernetesSchema.problems(misspelled)).singleElement().asString()
                .contains("Deployment coldsend-proxy", "`replcas`", "V1DeploymentSpec").doesNotContain("{");
    }

    @Test
    void rejectsAMisspelledFieldDeepInThePodTemplate() {
        JsonNode misspelled = yaml(DEPLOYMENT.replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"));

        assertThat(KubernetesSchema.problems(misspelled)).singleElement().asString()
                .contains("`readOnlyRootFileSystem`", "V1SecurityContext");
    }

    @Test
    void rejectsAMissingRequiredField() {
        JsonNode nameless = yaml(DEPLOYMENT.replace("- name: coldsend-proxy\n          image:", "- image:"));

        assertThat(KubernetesSchema.problems(nameless)).singleElement().asString()
                .contains("required field `name`").doesNotContain("{");
    }

    @Test
    void rejectsAValueOfTheWrongType() {
        assertThat(KubernetesSchema.problems(yaml(DEPLOYMENT.replace("replicas: 2", "replicas: \"2\""))))
                .singleElement().asString().contains("expected an integer", "replicas");
        assertThat(KubernetesSchema.problems(yaml(DEPLOYMENT.replace("readOnlyRootFilesystem: true",
                "readOnlyRootFilesystem: \"true\"")))).singleElement().asString().contains("expected a boolean");
    }

    @Test
    void rejectsAnUnquotedNumberInAConfigMap() {
        // kubectl apply refuses it too: ConfigMap values are strings.
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: coldsend-proxy-config
                data:
                  COLDSEND_QUOTA_PER_MINUTE: %s
                """;

        assertThat(KubernetesSchema.problems(yaml(configMap.formatted("\"50\"")))).isEmpty();
        assertThat(KubernetesSchema.problems(yaml(configMap.formatted("50")))).singleElement().asString()
                .contains("expected a string at $.data");
    }

    @Test
    void rejectsAKindTheApiDoesNotServeAtThatVersion() {
        assertThat(KubernetesSchema.problems(yaml(DEPLOYMENT.replace("apps/v1", "apps/v1beta1"))))
                .singleElement().asString().contains("no API definition", "apps/v1beta1/Deployment");
        assertThat(KubernetesSchema.problems(yaml(DEPLOYMENT.replace("kind: Deployment", "kind: Deplyoment"))))
                .singleElement().asString().contains("no API definition");
    }

    @Test
    void checksCustomResourcesStructurallyOnly() {
        String serviceMonitor = """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata:
                  name: coldsend-proxy
                %s
                """;

        assertThat(KubernetesSchema.hasDefinition(yaml(serviceMonitor.formatted("spec: {}")))).isFalse();
        assertThat(KubernetesSchema.problems(yaml(serviceMonitor.formatted("spec: {}")))).isEmpty();
        assertThat(KubernetesSchema.problems(yaml(serviceMonitor.formatted("spec: []")))).isNotEmpty();
    }

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
