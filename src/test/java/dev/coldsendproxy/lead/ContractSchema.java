package dev.coldsendproxy.lead;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Coldsend's published lead schema ({@code src/test/resources/contract/coldsend-lead-api.yaml}, a
 * verbatim copy of {@code ../shared/upstream/coldsend-lead-api.yaml}) as a JSON-schema validator
 * that understands OpenAPI 3.0's {@code nullable}.
 */
public final class ContractSchema {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ContractSchema() {
    }

    /** Everything wrong with {@code lead} according to the contract; empty when it conforms. */
    public static Set<ValidationMessage> validate(JsonNode lead) throws IOException {
        return leadSchema().validate(lead);
    }

    /** LeadDetailResponse with its sibling schemas, so the contract's {@code $ref}s resolve. */
    private static JsonSchema leadSchema() throws IOException {
        JsonNode contract;
        try (InputStream in = ContractSchema.class.getResourceAsStream("/contract/coldsend-lead-api.yaml")) {
            contract = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$ref", "#/components/schemas/LeadDetailResponse");
        root.set("components", contract.get("components"));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().nullableKeywordEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root, config);
    }
}
