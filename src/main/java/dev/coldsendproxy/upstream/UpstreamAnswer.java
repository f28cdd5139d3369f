package dev.coldsendproxy.upstream;

/** One HTTP answer from Coldsend: status, the body as received, and its rate-limit headers. */
public record UpstreamAnswer(int status, byte[] body, RateLimitHeaders rateLimit) {
}
