package dev.herald.client;

import static dev.herald.client.TestServer.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.core.MessageEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The one rule by which an {@link EventStream} signals its end: queued events first; then a clean
 * end ends iteration and makes take/next throw {@link NoSuchElementException}, an error is thrown by
 * every method; {@code next(timeout)} is empty only on a timeout.
 */
class EventStreamEndTest extends TestServerSupport {

  private EventStream stream() {
    return EventSource.builder(server.uri()).reconnectPolicy(ReconnectPolicy.never()).stream();
  }

  private static TestServer.Handler badRequest() {
    String body = "{\"message\":\"missing 'prompt'\"}";
    return (request, exchange) -> exchange.write(head(400, "Content-Length: " + body.length()) + body);
  }

  @Test
  void nextIsEmptyOnlyOnATimeout() throws Exception {
    CountDownLatch more = new CountDownLatch(1);
    server.enqueue((request, exchange) -> {
      exchange.write(head(200, "Content-Type: text/event-stream") + "data: a\n\n");
      more.await();
      exchange.write("data: b\n\n");
    });
    try (EventStream events = stream()) {
      assertThat(events.next(Duration.ofSeconds(30)).map(MessageEvent::data)).contains("a");
      assertThat(events.next(Duration.ofMillis(1))).as("timeout, source still running").isEmpty();
      more.countDown();
      assertThat(events.next(Duration.ofSeconds(30)).map(MessageEvent::data)).contains("b");
      assertThatThrownBy(() -> events.next(Duration.ofSeconds(30))).as("the end is not a timeout")
          .isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void aCleanEndEndsIterationAndTakeThrowsNoSuchElement() throws Exception {
    server.enqueue(TestServer.sse("data: a\n\ndata: b\n\n"), TestServer.sse("data: a\n\n"), TestServer.sse("data: a\n\n"));
    try (EventStream events = stream()) {
      assertThat(events.events().map(MessageEvent::data).collect(Collectors.toList())).containsExactly("a", "b");
      assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
      assertThatThrownBy(() -> events.next(Duration.ZERO)).isInstanceOf(NoSuchElementException.class);
      assertThat(events.iterator().hasNext()).isFalse();
    }
    try (EventStream events = stream()) {
      Iterator<MessageEvent> it = events.iterator();
      assertThat(it.next().data()).isEqualTo("a");
      assertThat(it.hasNext()).isFalse();
      assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }
    try (EventStream events = stream()) {
      assertThat(events.take().data()).isEqualTo("a");
      assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void anErrorIsThrownByEveryMethodAfterTheQueuedEvents() throws Exception {
    server.enqueue(badRequest());
    try (EventStream events = stream()) {
      assertThatThrownBy(events::take).isInstanceOf(UnexpectedStatusException.class)
          .hasMessageEndingWith(": {\"message\":\"missing 'prompt'\"}");
      assertThatThrownBy(() -> events.next(Duration.ofSeconds(30))).isInstanceOf(UnexpectedStatusException.class);
      assertThatThrownBy(() -> events.iterator().hasNext()).isInstanceOf(UnexpectedStatusException.class);
      assertThatThrownBy(() -> events.events().count()).isInstanceOf(UnexpectedStatusException.class);
    }
    server.enqueue(TestServer.sse("data: a\n\ndata: b"));
    try (EventStream events = stream()) {
      assertThat(events.take().data()).as("queued events come first").isEqualTo("a");
      assertThatThrownBy(events::take).isInstanceOf(StreamEndedException.class);
    }
  }

  @Test
  void closeIsACleanEndEvenAfterAnError() throws Exception {
    server.enqueue(badRequest());
    EventStream events = stream();
    assertThatThrownBy(events::take).isInstanceOf(UnexpectedStatusException.class);
    events.close();
    assertThatThrownBy(events::take).isInstanceOf(NoSuchElementException.class);
    assertThat(events.iterator().hasNext()).isFalse();
  }

  @Test
  void anInterruptedConsumerGetsAnExceptionWithTheFlagSet() throws Exception {
    server.enqueue(TestServer.sseOpen(""));
    try (EventStream events = stream()) {
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread consumer = new Thread(() -> {
        try {
          events.take();
        } catch (HeraldClientException e) {
          outcome.set(Thread.currentThread().isInterrupted() ? e : "flag not set");
        }
      });
      server.takeRequest();
      consumer.start();
      consumer.interrupt();
      consumer.join(30_000);
      assertThat(outcome.get()).isInstanceOf(HeraldClientException.class);
      assertThat((Throwable) outcome.get()).hasMessageContaining("interrupted");
    }
  }
}
