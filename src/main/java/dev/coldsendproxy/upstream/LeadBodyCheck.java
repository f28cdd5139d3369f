package dev.coldsendproxy.upstream;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Decides whether an answer is worth caching: a 200 must be one complete JSON object with a string
 * {@code lead_id}, a 404 one with a {@code detail}. Streams the tokens once, builds no tree, and never rewrites the bytes.
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

    /**
     * A 404 is cached as Coldsend's answer only when it is Coldsend's error shape (a JSON object
     * with {@code detail}), not an edge's or load balancer's page for a path it does not know.
     *
     * @throws UpstreamBadAnswerException otherwise
     */
    static void requireColdsendError(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notColdsends();
            }
            boolean hasDetail = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                hasDetail |= "detail".equals(parser.currentName());
                parser.nextToken();
                parser.skipChildren();
            }
            if (!hasDetail || parser.nextToken() != null) {
                throw notColdsends();
            }
        } catch (IOException e) {
            throw notColdsends();
        }
    }

    private static UpstreamBadAnswerException notColdsends() {
        return new UpstreamBadAnswerException("Coldsend's 404 answer is not a Coldsend error (no JSON detail)");
    }

    private static UpstreamBadAnswerException notALead(String why) {
        return new UpstreamBadAnswerException("Coldsend's 200 answer " + why);
    }
}
