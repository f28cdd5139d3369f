package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The proxy's 200 body satisfies Coldsend's published contract
 * ({@code ../shared/upstream/coldsend-lead-api.yaml}, copied verbatim to {@code src/test/resources/contract/}),
 * checked by a real
 * JSON-schema validator that understands OpenAPI 3.0's {@code nullable}.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class ContractTest extends ProxyTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void proxiedLeadSatisfiesTheUpstreamSchema() throws IOException {
        String campaign = uuid();
        String leadId = "7d4c1b2a-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
        upstreamAnswers(campaign, leadId, lead(resource("/leads/lead-full.json")));

        byte[] body = given().get(leadPath(campaign, leadId)).then().statusCode(200).extract().asByteArray();

        assertThat(validate(JSON.readTree(body))).isEmpty();
    }

    @Test
    void schemaCheckRejectsALeadMissingRequiredFields() throws IOException {
        assertThat(validate(JSON.readTree("{\"lead_id\": \"7d4c1b2a-5e6f-4a8b-9c0d-1e2f3a4b5c6d\"}"))).isNotEmpty();
    }

    static Set<ValidationMessage> validate(JsonNode lead) throws IOException {
        return leadSchema().validate(lead);
    }

    /** LeadDetailResponse with its sibling schemas, so the contract's {@code $ref}s resolve. */
    static JsonSchema leadSchema() throws IOException {
        JsonNode contract;
        try (InputStream in = ContractTest.class.getResourceAsStream("/contract/coldsend-lead-api.yaml")) {
            contract = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("$ref", "#/components/schemas/LeadDetailResponse");
        root.set("components", contract.get("components"));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().nullableKeywordEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root, config);
    }
}
