package dev.coldsendproxy.upstream;

/** Coldsend answered 500, 502, 503 or 504 without asking to wait: retryable, counts against the breaker. */
public class UpstreamServerErrorException extends UpstreamException {

    private final int status;

    public UpstreamServerErrorException(int status) {
        super("Coldsend answered HTTP " + status, null);
        this.status = status;
    }

    /** The upstream's status code. */
    public int status() {
        return status;
    }
}
