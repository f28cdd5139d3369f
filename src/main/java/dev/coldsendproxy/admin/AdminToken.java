package dev.coldsendproxy.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Checks {@code Authorization: Bearer <token>} against the configured SHA-256 digest: the token
 * itself is never configured, and digests are compared in constant time.
 */
final class AdminToken {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String BEARER = "bearer ";

    private final byte[] digest;

    private AdminToken(byte[] digest) {
        this.digest = digest;
    }

    /** @throws ConfigurationException naming the property when the digest is not 64 hex characters */
    static AdminToken from(AdminConfig config) {
        return config.tokenSha256().map(String::strip).filter(hex -> !hex.isEmpty())
                .map(hex -> hex.toLowerCase(Locale.ROOT))
                .map(hex -> {
                    if (!SHA256_HEX.matcher(hex).matches()) {
                        throw new ConfigurationException("proxy.admin.token-sha256 must be 64 hex characters "
                                + "(a SHA-256 digest), got " + hex.length() + " characters");
                    }
                    return new AdminToken(HexFormat.of().parseHex(hex));
                })
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
        return MessageDigest.isEqual(digest, sha256(token));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
