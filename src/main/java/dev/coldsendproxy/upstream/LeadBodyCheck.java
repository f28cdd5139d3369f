package dev.coldsendproxy.upstream;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Decides whether a 200 body is a lead worth caching: one complete JSON object with a string
 * {@code lead_id}. Streams the tokens once, builds no tree, and never rewrites the bytes.
 */
final class LeadBodyCheck {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private LeadBodyCheck() {
    }

    /** @throws UpstreamBadAnswerException when the body is not such an object */
    static void requireLead(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notALead("is not a JSON object");
            }
            boolean hasLeadId = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("lead_id".equals(field) && value == JsonToken.VALUE_STRING) {
                    hasLeadId = true;
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw notALead("has data after the JSON object");
            }
            if (!hasLeadId) {
                throw notALead("has no lead_id");
            }
        } catch (IOException e) {
            throw notALead("is not valid JSON");
        }
    }

    private static UpstreamBadAnswerException notALead(String why) {
        return new UpstreamBadAnswerException("Coldsend's 200 answer " + why);
    }
}
