package dev.coldsendproxy.upstream;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Stops a production start without the Coldsend key, with one line that names the variable to
 * set, rather than a pod that starts and answers every request with 502.
 */
@Startup
@ApplicationScoped
class ApiKeyCheck {

    ApiKeyCheck(ColdsendConfig config) {
        boolean missing = config.apiKey().map(String::isBlank).orElse(true);
        if (missing && LaunchMode.current() == LaunchMode.NORMAL) {
            throw new ConfigurationException("COLDSEND_API_KEY is not set: the proxy cannot call Coldsend "
                    + "without it. Set the environment variable COLDSEND_API_KEY (property coldsend.api-key), "
                    + "for example from a Kubernetes Secret.");
        }
    }
}
