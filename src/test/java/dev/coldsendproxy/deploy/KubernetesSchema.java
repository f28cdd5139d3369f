package dev.coldsendproxy.deploy;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import io.kubernetes.client.openapi.JSON;

/**
 * The Kubernetes API's own definitions of the kinds we ship, as the Kubernetes project's Java client
 * carries them ({@code io.kubernetes:client-java-api} 24, generated from the OpenAPI spec that the API
 * server of Kubernetes 1.33 publishes): one model per definition, with its field names, its required
 * fields and each field's type. A manifest passes when every object in it names only fields of its
 * definition, carries every required one, and gives each field a value of its JSON type (a string
 * where a string is defined, an integer where an integer is): what the API server's strict field
 * validation rejects, {@code kubectl apply} with a misspelled field among it.
 *
 * <p>Custom resources (the generated ServiceMonitor) have no definition here: their CRD's schema is
 * not reachable from our registries, so they are checked structurally only (apiVersion, kind, name,
 * spec), and say so.
 */
final class KubernetesSchema {

    /** apiVersion/kind of every built-in kind we ship -> its definition's model class. */
    private static final Map<String, String> DEFINITIONS = Map.of(
            "v1/ConfigMap", "V1ConfigMap",
            "v1/Secret", "V1Secret",
            "v1/Service", "V1Service",
            "apps/v1/Deployment", "V1Deployment",
            "policy/v1/PodDisruptionBudget", "V1PodDisruptionBudget",
            "networking.k8s.io/v1/NetworkPolicy", "V1NetworkPolicy");

    /** Custom resources checked structurally only: no CRD schema is available to us. */
    static final Set<String> STRUCTURAL_ONLY = Set.of("monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    private static final String MODELS = "io.kubernetes.client.openapi.models.";

    /**
     * The client's own Gson (its adapters for quantities, int-or-string and dates), made strict for
     * scalars: Gson alone would take {@code "2"} for an integer and {@code 50} for a string, which the
     * API server refuses.
     */
    private static final Gson STRICT = JSON.getGson().newBuilder()
            .registerTypeAdapter(String.class, new Strict<>(JsonToken.STRING, "a string", JsonReader::nextString))
            .registerTypeAdapter(Boolean.class, new Strict<>(JsonToken.BOOLEAN, "a boolean", JsonReader::nextBoolean))
            .registerTypeAdapter(boolean.class, new Strict<>(JsonToken.BOOLEAN, "a boolean", JsonReader::nextBoolean))
            .registerTypeAdapter(Integer.class, new Strict<>(JsonToken.NUMBER, "an integer", JsonReader::nextInt))
            .registerTypeAdapter(int.class, new Strict<>(JsonToken.NUMBER, "an integer", JsonReader::nextInt))
            .registerTypeAdapter(Long.class, new Strict<>(JsonToken.NUMBER, "an integer", JsonReader::nextLong))
            .registerTypeAdapter(long.class, new Strict<>(JsonToken.NUMBER, "an integer", JsonReader::nextLong))
            .create();

    private KubernetesSchema() {
    }

    /** Whether this document's kind has an API definition to validate against (not a custom resource). */
    static boolean hasDefinition(JsonNode document) {
        return DEFINITIONS.containsKey(typeOf(document));
    }

    /** What the API server would reject in this document; empty when it is valid. */
    static List<String> problems(JsonNode document) {
        String type = typeOf(document);
        String name = type + " " + document.at("/metadata/name").asText("(no metadata.name)");
        if (STRUCTURAL_ONLY.contains(type)) {
            return structuralProblems(document, name);
        }
        String model = DEFINITIONS.get(type);
        if (model == null) {
            return List.of(name + ": no API definition for apiVersion/kind " + type
                    + " (a misspelled kind or apiVersion, or a kind to add to KubernetesSchema)");
        }
        try {
            Class<?> definition = Class.forName(MODELS + model);
            JsonElement json = JsonParser.parseString(document.toString());
            // Field names (unknown ones rejected), required fields and nesting, object by object...
            definition.getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
            // ...then every value against its field's type.
            STRICT.fromJson(json, definition);
            return List.of();
        } catch (InvocationTargetException e) {
            return List.of(name + ": " + firstLine(e.getCause()));
        } catch (JsonParseException | IllegalArgumentException e) {
            return List.of(name + ": " + firstLine(e));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("client-java-api has no model " + model, e);
        }
    }

    private static List<String> structuralProblems(JsonNode document, String name) {
        List<String> problems = new ArrayList<>();
        if (document.at("/metadata/name").asText().isBlank()) {
            problems.add(name + ": metadata.name is required");
        }
        if (!document.path("spec").isObject()) {
            problems.add(name + ": spec must be an object");
        }
        return problems;
    }

    private static String typeOf(JsonNode document) {
        return document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    }

    /** The generated validators append the whole JSON to their message: keep what names the problem. */
    private static String firstLine(Throwable problem) {
        String message = String.valueOf(problem.getMessage());
        int json = message.indexOf(": {");
        return (json < 0 ? message : message.substring(0, json)).replaceAll("\\.? JSON$", "");
    }

    /** A scalar adapter that takes only its own JSON token type (and null), as the API server does. */
    private static final class Strict<T> extends TypeAdapter<T> {

        /** Reads one value of the expected token. */
        interface Reader<T> {
            T read(JsonReader in) throws IOException;
        }

        private final JsonToken token;
        private final String description;
        private final Reader<T> reader;

        Strict(JsonToken token, String description, Reader<T> reader) {
            this.token = token;
            this.description = description;
            this.reader = reader;
        }

        @Override
        public T read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            if (in.peek() != token) {
                throw new JsonParseException("expected " + description + " at " + in.getPath() + ", got " + in.peek());
            }
            try {
                return reader.read(in);
            } catch (NumberFormatException e) {
                throw new JsonParseException("expected " + description + " at " + in.getPath() + ": " + e.getMessage());
            }
        }

        @Override
        public void write(JsonWriter out, T value) {
            throw new UnsupportedOperationException("only reads manifests");
        }
    }
}
