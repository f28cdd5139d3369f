package dev.coldsendproxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;

/** The one buffer every fast hit writes: the body's own bytes, whole for every writer. */
class CachedLeadTest {

    private final byte[] body = "{\"id\":\"lead\",\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8);
    private final CachedLead lead = new CachedLead(200, body, 0);

    @Test
    void wireIsTheBodyWithoutACopy() {
        ByteBuf written = lead.wire().getByteBuf();

        assertThat(written.hasArray()).isTrue();
        assertThat(written.array()).isSameAs(body);
        assertThat(lead.wire().length()).isEqualTo(body.length);
        assertThat(lead.wire()).as("one buffer for every hit").isSameAs(lead.wire());
    }

    @Test
    void writingTheWireLeavesItWholeForTheNextHit() {
        ByteBuf first = lead.wire().getByteBuf();
        byte[] sent = new byte[first.readableBytes()];
        first.readBytes(sent);
        first.release();

        ByteBuf second = lead.wire().getByteBuf();
        byte[] sentAgain = new byte[second.readableBytes()];
        second.readBytes(sentAgain);

        assertThat(sent).isEqualTo(body);
        assertThat(sentAgain).isEqualTo(body);
        assertThat(lead.wire().getBytes()).isEqualTo(body);
    }
}
