package dev.coldsendproxy.error;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** Turns every failure on the public port into a {@code {"detail": ...}} answer; nothing leaks. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public RestResponse<Problem> problem(ProblemException problem) {
        RestResponse.ResponseBuilder<Problem> builder = RestResponse.ResponseBuilder
                .<Problem>create(problem.status()).entity(new Problem(problem.detail()))
                .type(MediaType.APPLICATION_JSON_TYPE);
        if (problem.retryAfterSeconds() != null) {
            builder.header(HttpHeaders.RETRY_AFTER, problem.retryAfterSeconds());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> notFound(NotFoundException e) {
        return json(404, "Not found: this proxy serves GET /api/public/v1/campaigns/{campaign_id}/leads/{lead_id}");
    }

    @ServerExceptionMapper
    public RestResponse<Problem> notAllowed(NotAllowedException e) {
        return RestResponse.ResponseBuilder
                .<Problem>create(405).entity(new Problem("Method not allowed: this route answers GET only"))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ALLOW, "GET, HEAD")
                .build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.errorf("request failed with HTTP %d: %s", status, e.getClass().getSimpleName());
            return json(status, "The proxy failed to handle the request; check its logs");
        }
        String reason = e.getResponse().getStatusInfo().getReasonPhrase();
        return json(status, "Request rejected: " + (reason == null ? "HTTP " + status : reason));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unexpected(Throwable e) {
        LOG.error("unexpected failure while handling a request", e);
        return json(500, "The proxy failed to handle the request; check its logs");
    }

    static RestResponse<Problem> json(int status, String detail) {
        return RestResponse.ResponseBuilder.<Problem>create(status).entity(new Problem(detail))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
