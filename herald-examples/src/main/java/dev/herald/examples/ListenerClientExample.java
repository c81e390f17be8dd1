package dev.herald.examples;
// README-listener:begin
import dev.herald.client.EventSource;
import dev.herald.client.EventSourceListener;
import dev.herald.client.HeraldClientException;
import dev.herald.core.MessageEvent;
import java.net.URI;
import java.util.function.Consumer;

/** Prints every event of a stream, every reconnect and the close, until the JVM stops. */
public class ListenerClientExample {
  /** Listens to {@code args[0]}, by default the examples server's {@code /stream}. */
  public static void main(String[] args) throws InterruptedException {
    URI url = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080/stream");
    System.out.println("Listening to " + url);
    EventSource source = listen(url, System.out::println);
    Runtime.getRuntime().addShutdownHook(new Thread(source::close));
    Thread.currentThread().join();   // until Ctrl-C
  }

  /** Opens {@code url} and hands each event, and each error, to {@code print} as one line. */
  public static EventSource listen(URI url, Consumer<String> print) {
    return EventSource.builder(url)
        .connect(new EventSourceListener() {
          @Override
          public void onEvent(EventSource source, MessageEvent event) {
            print.accept(event.lastEventId() + " " + event.event() + ": " + event.data());
          }

          @Override
          public void onError(EventSource source, HeraldClientException error, boolean willRetry) {
            print.accept("error: " + error.getMessage() + (willRetry ? " (reconnecting)" : ""));
          }

          @Override
          public void onClosed(EventSource source) {
            print.accept("closed");   // for good: close(), a 204, or an error that is not retried
          }
        });
  }
}
// README-listener:end
