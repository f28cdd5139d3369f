package dev.coldsendproxy.lead;

import java.util.concurrent.CompletionException;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import dev.coldsendproxy.error.ProblemException;
import dev.coldsendproxy.upstream.AttemptRefusedException;
import dev.coldsendproxy.upstream.ColdsendClient;
import dev.coldsendproxy.upstream.UpstreamBadAnswerException;
import dev.coldsendproxy.upstream.UpstreamOverloadedException;
import dev.coldsendproxy.upstream.UpstreamRateLimitedException;
import dev.coldsendproxy.upstream.UpstreamRejectedException;
import dev.coldsendproxy.upstream.UpstreamServerErrorException;
import dev.coldsendproxy.upstream.UpstreamUnavailableException;

/**
 * Says what an upstream failure means to the caller, when no stale copy can stand in: which
 * status, which words, and how long to wait. Never a stack trace, a URL or the key.
 */
final class UpstreamFailures {

    private static final Logger LOG = Logger.getLogger(UpstreamFailures.class);

    private final ColdsendClient upstream;

    UpstreamFailures(ColdsendClient upstream) {
        this.upstream = upstream;
    }

    ProblemException toProblem(Throwable thrown) {
        Throwable failure = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (failure instanceof AttemptRefusedException refused && refused.upstreamOverloaded()) {
            return new ProblemException(503, "Service unavailable: " + refused.reason() + ". Retry after "
                    + refused.retryAfterSeconds() + " seconds.", refused.retryAfterSeconds());
        }
        if (failure instanceof AttemptRefusedException refused) {
            return new ProblemException(429, "Rate limit exceeded: " + refused.reason() + ". Retry after "
                    + refused.retryAfterSeconds() + " seconds.", refused.retryAfterSeconds());
        }
        if (failure instanceof UpstreamRateLimitedException limited) {
            long wait = limited.retryAfterSeconds() != null ? limited.retryAfterSeconds() : 60;
            return new ProblemException(429, "Rate limit exceeded: Coldsend refused the proxy's key for now. Retry after "
                    + wait + " seconds.", wait);
        }
        if (failure instanceof CircuitBreakerOpenException) {
            long wait = upstream.secondsUntilBreakerHalfOpens();
            return new ProblemException(503, "Coldsend is failing and the proxy is giving it a rest. Retry after "
                    + wait + " seconds.", wait);
        }
        if (failure instanceof UpstreamOverloadedException overloaded) {
            return new ProblemException(503, "Coldsend is overloaded. Retry after "
                    + overloaded.retryAfterSeconds() + " seconds.", overloaded.retryAfterSeconds());
        }
        if (failure instanceof BulkheadException) {
            return new ProblemException(503, "Too many requests are waiting for Coldsend. Retry in a second.", 1L);
        }
        if (failure instanceof TimeoutException) {
            return new ProblemException(504, "Coldsend did not answer in time. Retry later.");
        }
        if (failure instanceof UpstreamRejectedException rejected) {
            if (rejected.credentialsRejected()) {
                LOG.errorf("Coldsend rejected the proxy's credentials with HTTP %d: check COLDSEND_API_KEY "
                        + "(the key and its leads:read scope)", rejected.status());
                return new ProblemException(502, "upstream rejected the proxy's Coldsend credentials");
            }
            LOG.warnf("Coldsend refused the proxy's request with HTTP %d", rejected.status());
            return new ProblemException(502, "Coldsend refused the request (HTTP " + rejected.status() + ")");
        }
        if (failure instanceof UpstreamServerErrorException serverError) {
            return new ProblemException(502, "Coldsend failed to answer (HTTP " + serverError.status() + "). Retry later.");
        }
        if (failure instanceof UpstreamBadAnswerException bad) {
            LOG.warnf("unusable answer from Coldsend: %s", bad.getMessage());
            return new ProblemException(502, "Coldsend sent an answer the proxy could not use. Retry later.");
        }
        if (failure instanceof UpstreamUnavailableException) {
            return new ProblemException(502, "Coldsend could not be reached. Retry later.");
        }
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        LOG.error("unexpected failure while fetching a lead from Coldsend", failure);
        return new ProblemException(502, "The lead could not be fetched from Coldsend. Retry later.");
    }
}
