package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SseEventTest {

  @Test
  void factoriesSetTheirFields() {
    assertThat(SseEvent.of("x").data()).contains("x");
    assertThat(SseEvent.of("x").event()).isEmpty();
    SseEvent named = SseEvent.of("update", "y");
    assertThat(named.event()).contains("update");
    assertThat(named.data()).contains("y");
    assertThat(SseEvent.comment("ping").comment()).contains("ping");
    assertThat(SseEvent.retry(Duration.ofSeconds(3)).retry()).contains(Duration.ofSeconds(3));
    SseEvent full = SseEvent.builder().id("42").event("e").data("d").retry(Duration.ofMillis(5)).comment("c").build();
    assertThat(full.id()).contains("42");
    assertThat(full.toBuilder().build()).isEqualTo(full);
  }

  @Test
  void lineBreakInIdIsRejectedAsInjection() {
    assertThatThrownBy(() -> SseEvent.builder().id("1\ndata: forged"))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("id: ")
        .extracting("field").isEqualTo("id");
    assertThatThrownBy(() -> SseEvent.builder().id("1\rdata: forged"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("id");
    assertThatThrownBy(() -> SseEvent.builder().id("1\r\n\r\ndata: forged"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("id");
  }

  @Test
  void lineBreakInEventIsRejected() {
    assertThatThrownBy(() -> SseEvent.of("a\nid: 666", "x"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("event");
    assertThatThrownBy(() -> SseEvent.builder().event("a\r"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("event");
  }

  @Test
  void nulInIdIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().id("a\0b"))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("id");
  }

  @Test
  void badRetryIsRejected() {
    assertThatThrownBy(() -> SseEvent.retry(Duration.ofMillis(-1)))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("retry");
    assertThatThrownBy(() -> SseEvent.retry(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("retry");
    assertThat(SseEvent.retry(Duration.ofMillis(Long.MAX_VALUE)).retry()).contains(Duration.ofMillis(Long.MAX_VALUE));
  }

  @Test
  void emptyEventIsRejected() {
    assertThatThrownBy(() -> SseEvent.builder().build())
        .isInstanceOf(InvalidEventException.class).extracting("field").isEqualTo("data");
  }

  @Test
  void nullsAreRejectedByName() {
    assertThatThrownBy(() -> SseEvent.builder().id(null)).isInstanceOf(NullPointerException.class).hasMessage("id == null");
    assertThatThrownBy(() -> SseEvent.builder().event(null)).hasMessage("event == null");
    assertThatThrownBy(() -> SseEvent.of(null)).hasMessage("data == null");
    assertThatThrownBy(() -> SseEvent.builder().retry(null)).hasMessage("retry == null");
    assertThatThrownBy(() -> SseEvent.comment(null)).hasMessage("comment == null");
  }

  @Test
  void lineBreaksAndNulInDataAndCommentAreAllowed() {
    assertThat(SseEvent.builder().data("a\r\nb\0").comment("c\nd").build().data()).contains("a\r\nb\0");
  }

  @Test
  void equalsHashCodeAndToString() {
    SseEvent a = SseEvent.builder().id("1").event("e").data("x\ny").build();
    SseEvent b = SseEvent.builder().data("x\ny").event("e").id("1").build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(SseEvent.builder().id("2").event("e").data("x\ny").build());
    assertThat(a).isNotEqualTo(SseEvent.of("e", "x\ny"));
    assertThat(a).isNotEqualTo("x");
    assertThat(a.toString()).isEqualTo("SseEvent{id=\"1\", event=\"e\", data=\"x\\ny\"}");
    assertThat(SseEvent.builder().retry(Duration.ofSeconds(2)).comment("hi").build().toString())
        .isEqualTo("SseEvent{retry=2000ms, comment=\"hi\"}");
  }

  @Test
  void unpairedSurrogatesAreRejectedInEveryTextField() {
    String lone = "a\uD83Db";
    assertThatThrownBy(() -> SseEvent.of(lone)).isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("surrogate").extracting(e -> ((InvalidEventException) e).field()).isEqualTo("data");
    assertThatThrownBy(() -> SseEvent.builder().id("\uDE00")).extracting(e -> ((InvalidEventException) e).field())
        .isEqualTo("id");
    assertThatThrownBy(() -> SseEvent.builder().event("x\uD83D")).extracting(e -> ((InvalidEventException) e).field())
        .isEqualTo("event");
    assertThatThrownBy(() -> SseEvent.comment("\uDC00\uD800")).extracting(e -> ((InvalidEventException) e).field())
        .isEqualTo("comment");
    assertThat(SseEvent.of("pair \uD83D\uDE00 ok").data().orElseThrow()).contains("\uD83D\uDE00");
  }
}
