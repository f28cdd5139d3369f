package dev.coldsendproxy.upstream;

/**
 * Coldsend refused the request itself (401/403: the proxy's key; other 4xx: a request it did not
 * expect). Retrying cannot help and it says nothing about Coldsend's health.
 */
public class UpstreamRejectedException extends UpstreamException {

    private final int status;

    public UpstreamRejectedException(int status) {
        super("Coldsend rejected the request with HTTP " + status, null);
        this.status = status;
    }

    /** The upstream's status code. */
    public int status() {
        return status;
    }

    /** Whether Coldsend refused the proxy's own key (a misconfiguration operators must fix). */
    public boolean credentialsRejected() {
        return status == 401 || status == 403;
    }
}
