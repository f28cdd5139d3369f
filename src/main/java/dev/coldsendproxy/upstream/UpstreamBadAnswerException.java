package dev.coldsendproxy.upstream;

/**
 * Coldsend (or an edge in front of it) sent something that is not a lead: an HTML page, broken
 * JSON, an oversized body. A failure, never cached; counts against the breaker.
 */
public class UpstreamBadAnswerException extends UpstreamException {

    public UpstreamBadAnswerException(String message) {
        super(message, null);
    }
}
