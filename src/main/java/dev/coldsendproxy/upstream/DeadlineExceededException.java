package dev.coldsendproxy.upstream;

import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The caller's overall deadline cut an attempt, or passed before one could start. A
 * {@link TimeoutException} to everything above the upstream (504 or a stale copy), but neither
 * retried (nobody waits for the answer) nor counted by the breaker (Coldsend was not given its full
 * attempt time, so this says nothing about its health).
 */
public class DeadlineExceededException extends TimeoutException {

    DeadlineExceededException() {
        super("Coldsend did not answer within the caller's deadline");
    }
}
