package dev.herald.examples;

import dev.herald.client.EventSource;
import dev.herald.client.EventSourceListener;
import dev.herald.core.MessageEvent;
import java.net.URI;
import java.util.function.Consumer;

/**
 * The README's listener example for {@code herald-client}: print every event of a stream (by
 * default the examples server's {@code GET /stream}) until the JVM stops.
 */
public final class ListenerClientExample {
  private ListenerClientExample() {}

  /** Listens to {@code args[0]} (default {@code http://127.0.0.1:8080/stream}) and prints each event. */
  public static void main(String[] args) throws InterruptedException {
    URI url = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080/stream");
    EventSource source = listen(url, System.out::println);
    Runtime.getRuntime().addShutdownHook(new Thread(source::close));
    Thread.currentThread().join();
  }

  /** Opens {@code url} and hands each event, formatted as one line, to {@code print}. */
  static EventSource listen(URI url, Consumer<String> print) {
    // README-listener:begin
    EventSource source = EventSource.builder(url)
        .connect(new EventSourceListener() {
          @Override
          public void onEvent(EventSource source, MessageEvent event) {
            print.accept(event.lastEventId() + " " + event.event() + ": " + event.data());
          }
        });
    // README-listener:end
    return source;
  }
}
