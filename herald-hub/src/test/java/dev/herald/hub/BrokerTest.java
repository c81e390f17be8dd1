package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import dev.herald.server.CloseReason;
import dev.herald.server.Request;
import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BrokerTest {
  private final Broker broker = new Broker();
  private final HubMetrics metrics = new HubMetrics(() -> 0);

  private Subscription sub(String... selectors) {
    List<TopicSelector> list = new ArrayList<>();
    for (String s : selectors) {
      list.add(TopicSelector.parse(s));
    }
    Subscription sub = new Subscription(new NullStream(), list, metrics, 10);
    broker.register(sub);
    return sub;
  }

  private Set<Subscription> match(String... topics) {
    return broker.match(List.of(topics));
  }

  @Test
  void exactSelectorsMatchOnlyTheirTopic() {
    Subscription a = sub("chat/room1");
    Subscription b = sub("chat/room2");
    assertThat(match("chat/room1")).containsExactly(a);
    assertThat(match("chat/room2")).containsExactly(b);
    assertThat(match("chat")).isEmpty();
    assertThat(match("chat/room1/x")).isEmpty();
  }

  @Test
  void starMatchesOneSegmentAnywhere() {
    Subscription tail = sub("chat/*");
    Subscription head = sub("*/room1");
    Subscription mid = sub("a/*/c");
    assertThat(match("chat/room1")).containsExactlyInAnyOrder(tail, head);
    assertThat(match("chat/room2")).containsExactly(tail);
    assertThat(match("news/room1")).containsExactly(head);
    assertThat(match("chat")).isEmpty();
    assertThat(match("chat/a/b")).isEmpty();
    assertThat(match("a/b/c")).containsExactly(mid);
    assertThat(match("a/b/c/d")).isEmpty();
    assertThat(match("a/c")).isEmpty();
  }

  @Test
  void doubleStarMatchesOneOrMoreTrailingSegments() {
    Subscription chat = sub("chat/**");
    Subscription all = sub("**");
    Subscription deep = sub("a/*/**");
    assertThat(match("chat")).containsExactly(all);
    assertThat(match("chat/x")).containsExactlyInAnyOrder(chat, all);
    assertThat(match("chat/x/y/z")).containsExactlyInAnyOrder(chat, all);
    assertThat(match("a/b")).containsExactly(all);
    assertThat(match("a/b/c")).containsExactlyInAnyOrder(deep, all);
  }

  @Test
  void aSubscriptionMatchesOnceWhateverTheNumberOfHits() {
    Subscription s = sub("chat/room1", "chat/*", "chat/**", "news/x");
    assertThat(match("chat/room1", "news/x", "chat/room2")).containsExactly(s);
  }

  @Test
  void unregisterRemovesAndPrunes() {
    Subscription a = sub("chat/*", "x/y", "q/**");
    Subscription b = sub("chat/*");
    broker.unregister(a);
    assertThat(match("chat/1")).containsExactly(b);
    assertThat(match("x/y")).isEmpty();
    assertThat(match("q/1")).isEmpty();
    broker.unregister(b);
    broker.unregister(b);
    assertThat(broker.size()).isZero();
    assertThat(match("chat/1")).isEmpty();
    Subscription c = sub("chat/*");
    assertThat(match("chat/1")).containsExactly(c);
  }

  @Test
  void agreesWithTopicSelectorMatchingOnRandomInput() {
    Random r = new Random(42);
    String[] words = {"a", "b", "c", "*"};
    List<Subscription> subs = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      List<String> sels = new ArrayList<>();
      for (int k = 0; k <= r.nextInt(3); k++) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(3);
        for (int j = 0; j < n; j++) {
          sb.append(j == 0 ? "" : "/").append(j == n - 1 && r.nextInt(4) == 0 ? "**" : words[r.nextInt(words.length)]);
        }
        sels.add(sb.toString());
      }
      subs.add(sub(sels.toArray(new String[0])));
    }
    for (int i = 0; i < 500; i++) {
      List<String> topics = new ArrayList<>();
      for (int k = 0; k <= r.nextInt(2); k++) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(4);
        for (int j = 0; j < n; j++) {
          sb.append(j == 0 ? "" : "/").append(words[r.nextInt(3)]);
        }
        topics.add(sb.toString());
      }
      StoredEvent e = new StoredEvent(1, 0, topics, Optional.empty(), "", Optional.empty());
      Set<Subscription> expected = ConcurrentHashMap.newKeySet();
      subs.stream().filter(s -> e.matchesAny(s.selectors())).forEach(expected::add);
      assertThat(broker.match(topics)).as("topics %s", topics).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void concurrentRegistrationDuringMatchingIsSafe() throws Exception {
    Subscription stable = sub("chat/*");
    AtomicBoolean stop = new AtomicBoolean();
    Thread churn = new Thread(() -> {
      while (!stop.get()) {
        Subscription s = sub("chat/*", "chat/**", "chat/room1");
        broker.unregister(s);
      }
    });
    churn.start();
    for (int i = 0; i < 20_000; i++) {
      assertThat(match("chat/room1")).contains(stable);
    }
    stop.set(true);
    churn.join();
    assertThat(broker.size()).isEqualTo(1);
  }

  /** A stream that accepts and drops everything. */
  static final class NullStream implements SseStream {
    @Override public boolean send(SseEvent event) { return true; }
    @Override public boolean send(EncodedEvent event) { return true; }
    @Override public boolean send(String data) { return true; }
    @Override public boolean send(String event, String data) { return true; }
    @Override public boolean comment(String text) { return true; }
    @Override public boolean retry(Duration retry) { return true; }
    @Override public void close() {}
    @Override public boolean isOpen() { return true; }
    @Override public Optional<String> lastEventId() { return Optional.empty(); }
    @Override public Request request() { throw new UnsupportedOperationException(); }
    @Override public void onClose(Consumer<CloseReason> callback) {}
    @Override public long bufferedBytes() { return 0; }
    @Override public boolean isWritable() { return true; }
    @Override public void onWritable(Runnable callback) { callback.run(); }
    @Override public java.util.concurrent.CompletionStage<Boolean> sendWhenWritable(SseEvent event) {
      return java.util.concurrent.CompletableFuture.completedFuture(true);
    }
    @Override public java.util.concurrent.CompletionStage<Boolean> sendWhenWritable(EncodedEvent event) {
      return java.util.concurrent.CompletableFuture.completedFuture(true);
    }
    @Override public boolean awaitWritable(Duration timeout) { return true; }
    @Override public SseStream header(String name, String value) { return this; }
  }
}
