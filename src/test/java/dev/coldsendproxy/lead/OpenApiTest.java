package dev.coldsendproxy.lead;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.coldsendproxy.support.ColdsendStubResource;
import dev.coldsendproxy.support.Management;
import dev.coldsendproxy.support.ProxyTestBase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The proxy's OpenAPI document promises Coldsend's own response schemas for the lead route, and
 * documents every header the route really sends.
 */
@QuarkusTest
@WithTestResource(ColdsendStubResource.class)
class OpenApiTest extends ProxyTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROUTE = "/api/public/v1/campaigns/{campaign_id}/leads/{lead_id}";

    @Test
    void describesTheLeadWithColdsendsSchemas() throws IOException {
        JsonNode proxy = proxyDocument();
        JsonNode contract = contract();

        for (String schema : List.of("LeadDetailResponse", "EmailInteractionResponse", "ReplyResponse", "Error")) {
            JsonNode expected = contract.at("/components/schemas/" + schema);
            assertThat(expected.isObject()).as("contract has " + schema).isTrue();
            assertThat(proxy.at("/components/schemas/" + schema)).as(schema).isEqualTo(expected);
        }
        JsonNode ok = proxy.at("/paths/" + escape(ROUTE) + "/get/responses/200");
        assertThat(ok.at("/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/LeadDetailResponse");
    }

    @Test
    void documentsTheHeadersAndErrorsTheRouteSends() throws IOException {
        String campaign = uuid();
        String leadId = uuid();
        upstreamAnswers(campaign, leadId, lead(leadBody(leadId)));
        Response answer = given().get(leadPath(campaign, leadId));
        JsonNode get = proxyDocument().at("/paths/" + escape(ROUTE) + "/get");

        List<String> proxyHeaders = List.of("X-Cache", "Age", "ETag", "X-Request-Id",
                "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
        for (String header : proxyHeaders) {
            assertThat(answer.header(header)).as("sent: " + header).isNotNull();
            assertThat(get.at("/responses/200/headers/" + header).isMissingNode()).as("documented: " + header).isFalse();
        }
        List<String> documented = new ArrayList<>();
        get.get("responses").fieldNames().forEachRemaining(documented::add);
        assertThat(documented).contains("200", "304", "400", "401", "404", "429", "502", "503", "504");
        List<String> parameters = get.get("parameters").findValuesAsText("name");
        assertThat(parameters).contains("campaign_id", "lead_id", "X-Request-Id", "If-None-Match", "Cache-Control");
    }

    private static JsonNode proxyDocument() throws IOException {
        String document = given().accept("application/json").get(Management.url("/q/openapi?format=json"))
                .then().statusCode(200).extract().asString();
        return JSON.readTree(document);
    }

    private static JsonNode contract() throws IOException {
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/contract/coldsend-lead-api.yaml")) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }
}
