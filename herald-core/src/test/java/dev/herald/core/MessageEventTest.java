package dev.herald.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessageEventTest {

  @Test
  void emptyEventNameIsMessage() {
    assertThat(MessageEvent.of("", "d", "").event()).isEqualTo("message").isEqualTo(MessageEvent.DEFAULT_EVENT);
    assertThat(MessageEvent.of("update", "d", "7").event()).isEqualTo("update");
    assertThat(MessageEvent.of("update", "d", "7").lastEventId()).isEqualTo("7");
  }

  @Test
  @SuppressWarnings("deprecation")
  void typeIsTheDeprecatedNameOfEvent() {
    assertThat(MessageEvent.of("update", "d", "7").type()).isEqualTo("update");
    assertThat(MessageEvent.of("", "d", "").type()).isEqualTo("message");
    assertThat(MessageEvent.DEFAULT_TYPE).isEqualTo(MessageEvent.DEFAULT_EVENT);
  }

  @Test
  void rejectsNulls() {
    assertThatThrownBy(() -> MessageEvent.of(null, "", "")).hasMessage("event == null");
    assertThatThrownBy(() -> MessageEvent.of("", null, "")).hasMessage("data == null");
    assertThatThrownBy(() -> MessageEvent.of("", "", null)).hasMessage("lastEventId == null");
  }

  @Test
  void equalsHashCodeAndToString() {
    MessageEvent a = MessageEvent.of("", "x\ny", "1");
    assertThat(a).isEqualTo(MessageEvent.of("message", "x\ny", "1")).hasSameHashCodeAs(MessageEvent.of("message", "x\ny", "1"));
    assertThat(a).isNotEqualTo(MessageEvent.of("message", "x\ny", "2")).isNotEqualTo(MessageEvent.of("e", "x\ny", "1"))
        .isNotEqualTo(MessageEvent.of("message", "x", "1")).isNotEqualTo("x");
    assertThat(a.toString()).isEqualTo("MessageEvent{event=\"message\", data=\"x\\ny\", lastEventId=\"1\"}");
  }
}
