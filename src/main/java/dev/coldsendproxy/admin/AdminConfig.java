package dev.coldsendproxy.admin;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Who may purge the cache: the holder of one bearer token, configured only as its digest. */
@ConfigMapping(prefix = "proxy.admin")
public interface AdminConfig {

    /**
     * Lower-case hex SHA-256 of the admin bearer token. Env: PROXY_ADMIN_TOKEN_SHA256. No default:
     * without it every admin route answers 403.
     */
    Optional<String> tokenSha256();
}
