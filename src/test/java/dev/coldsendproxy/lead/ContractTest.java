package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

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

        assertThat(ContractSchema.validate(JSON.readTree(body))).isEmpty();
    }

    @Test
    void schemaCheckRejectsALeadMissingRequiredFields() throws IOException {
        assertThat(ContractSchema.validate(JSON.readTree("{\"lead_id\": \"7d4c1b2a-5e6f-4a8b-9c0d-1e2f3a4b5c6d\"}"))).isNotEmpty();
    }
}
