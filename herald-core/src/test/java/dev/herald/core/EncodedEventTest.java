package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class EncodedEventTest {
  @Test
  void holdsTheEncoderBytesAsReadOnlyViews() {
    SseEvent event = SseEvent.builder().id("7").data("a\nb").build();
    EncodedEvent encoded = EncodedEvent.of(event);
    byte[] expected = SseEncoder.encode(event);
    ByteBuffer view = encoded.bytes();
    byte[] actual = new byte[view.remaining()];
    view.get(actual);
    assertThat(actual).isEqualTo(expected);
    assertThat(encoded.size()).isEqualTo(expected.length);
    assertThat(encoded.event()).isEqualTo(event);
    assertThat(encoded.bytes().position()).isZero();
    assertThatThrownBy(() -> encoded.bytes().put((byte) 0)).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void equalityFollowsTheEvent() {
    assertThat(EncodedEvent.of(SseEvent.of("x"))).isEqualTo(EncodedEvent.of(SseEvent.of("x")))
        .hasSameHashCodeAs(EncodedEvent.of(SseEvent.of("x")))
        .isNotEqualTo(EncodedEvent.of(SseEvent.of("y")));
    assertThat(EncodedEvent.of(SseEvent.of("x")).toString()).contains("9 bytes");
  }
}
