package dev.coldsendproxy.admin;

import dev.coldsendproxy.config.SecretDigest;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured SHA-256 digest: the token
 * itself is never configured, and digests are compared in constant time.
 */
final class AdminToken {

    private static final String BEARER = "bearer ";

    private final SecretDigest digest;

    private AdminToken(SecretDigest digest) {
        this.digest = digest;
    }

    /** @throws ConfigurationException naming the property when the digest is not 64 hex characters */
    static AdminToken from(AdminConfig config) {
        return config.tokenSha256().filter(hex -> !hex.isBlank())
                .map(hex -> new AdminToken(SecretDigest.parse("proxy.admin.token-sha256", hex)))
                .orElseGet(() -> new AdminToken(null));
    }

    /** Whether a token is configured at all; without one the admin API is closed. */
    boolean configured() {
        return digest != null;
    }

    /** Whether the {@code Authorization} header carries the admin token. */
    boolean accepts(String authorization) {
        if (digest == null || authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String token = authorization.substring(BEARER.length()).strip();
        return digest.matches(SecretDigest.sha256(token));
    }
}
