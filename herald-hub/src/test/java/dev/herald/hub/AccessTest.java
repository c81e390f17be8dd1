package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessTest {
  private static Access token(List<String> publish, List<String> subscribe) {
    return Access.token(Optional.of("ann"), TopicClaim.of(publish), TopicClaim.of(subscribe), Optional.empty(),
        Optional.of(Instant.parse("2030-01-01T00:00:00Z")));
  }

  @Test
  void aPublishNeedsEveryTopicCovered() {
    Access a = token(List.of("chat/*", "news"), List.of());
    assertThat(a.mayPublish(List.of("chat/room1"))).isTrue();
    assertThat(a.mayPublish(List.of("chat/room1", "news"))).isTrue();
    assertThat(a.mayPublish(List.of("chat/room1", "sports"))).isFalse();
    assertThat(a.mayPublish(List.of("chat/a/b"))).isFalse();
    assertThat(a.mayPublish(List.of())).isFalse();
  }

  @Test
  void starAloneCoversEveryTopicAndDoubleStarTooButStarSegmentsAreSelectors() {
    assertThat(token(List.of("*"), List.of()).mayPublish(List.of("a", "b/c/d"))).isTrue();
    assertThat(token(List.of("**"), List.of()).mayPublish(List.of("a", "b/c/d"))).isTrue();
    assertThat(token(List.of("*/x"), List.of()).mayPublish(List.of("a/x"))).isTrue();
    assertThat(token(List.of("*/x"), List.of()).mayPublish(List.of("a/b/x"))).isFalse();
    assertThat(TopicClaim.of(List.of("a", "*"))).isSameAs(TopicClaim.ALL);
  }

  @Test
  void publicUpdatesReachEveryoneAndPrivateOnesOnlyCoveredSubscribers() {
    Access reader = token(List.of(), List.of("users/42/**"));
    assertThat(reader.mayReceive(List.of("news"), false)).isTrue();
    assertThat(reader.mayReceive(List.of("users/42/inbox"), true)).isTrue();
    assertThat(reader.mayReceive(List.of("users/43/inbox"), true)).isFalse();
    assertThat(reader.mayReceive(List.of("users/43/inbox", "users/42/inbox"), true)).isTrue();
    assertThat(Access.anonymous().mayReceive(List.of("users/42/inbox"), true)).isFalse();
    assertThat(Access.anonymous().mayReceive(List.of("news"), false)).isTrue();
    assertThat(Access.anonymous().mayPublish(List.of("news"))).isFalse();
  }

  @Test
  void openModePublishesAnywhereButReadsNoPrivateUpdate() {
    assertThat(Access.open().mayPublish(List.of("any/topic"))).isTrue();
    assertThat(Access.open().mayReceive(List.of("any/topic"), true)).isFalse();
    assertThat(Access.open().hasToken()).isFalse();
  }

  @Test
  void anInvalidClaimValueIsNamed() {
    assertThatThrownBy(() -> TopicClaim.of(List.of("ok", "a b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'a b' is not a topic selector: ");
    assertThat(TopicClaim.of(List.of())).isSameAs(TopicClaim.NONE);
    assertThat(TopicClaim.NONE.covers("a")).isFalse();
  }
}
