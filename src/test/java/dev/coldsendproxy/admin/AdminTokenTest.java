package dev.coldsendproxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.coldsendproxy.config.SecretDigest;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The admin token is checked against its digest only; no digest means no admin access at all. */
class AdminTokenTest {

    private static final String DIGEST = HexFormat.of().formatHex(SecretDigest.sha256("s3cret"));

    @Test
    void acceptsTheBearerTokenWhoseDigestIsConfigured() {
        AdminToken token = AdminToken.from(() -> Optional.of(DIGEST.toUpperCase()));

        assertThat(token.accepts("Bearer s3cret")).isTrue();
        assertThat(token.accepts("bearer s3cret")).isTrue();
        assertThat(token.accepts("Bearer s3cret2")).isFalse();
        assertThat(token.accepts("Basic s3cret")).isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
        assertThat(token.accepts(null)).isFalse();
    }

    @Test
    void acceptsNothingWithoutAConfiguredDigest() {
        AdminToken token = AdminToken.from(Optional::empty);

        assertThat(token.configured()).isFalse();
        assertThat(token.accepts("Bearer ")).isFalse();
        assertThat(token.accepts("Bearer anything")).isFalse();
    }

    @Test
    void refusesADigestThatIsNotSha256Hex() {
        assertThatThrownBy(() -> AdminToken.from(() -> Optional.of("s3cret")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("proxy.admin.token-sha256")
                .hasMessageNotContaining("s3cret");
    }
}
