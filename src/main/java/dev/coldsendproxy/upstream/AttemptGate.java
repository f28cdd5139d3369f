package dev.coldsendproxy.upstream;

/**
 * Asked before every attempt to reach Coldsend (retries included) and told of every answer, so
 * that whoever owns the key's budget can refuse an attempt and learn from the upstream's headers.
 * The upstream client knows nothing about quotas beyond this door.
 */
public interface AttemptGate {

    /** Lets every attempt through; for callers outside any budget. */
    AttemptGate OPEN = new AttemptGate() {
        @Override
        public void beforeAttempt() {
        }

        @Override
        public void afterAnswer(int status, RateLimitHeaders headers) {
        }
    };

    /**
     * Called just before a request is sent.
     *
     * @throws AttemptRefusedException when the attempt must not be sent
     */
    void beforeAttempt();

    /** Called with the status and rate-limit headers of every answer Coldsend gives. */
    void afterAnswer(int status, RateLimitHeaders headers);
}
