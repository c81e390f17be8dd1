package dev.herald.examples;
// README-countdown:begin
import dev.herald.core.SseEvent;
import dev.herald.server.HeraldServer;
import dev.herald.server.HttpException;
import dev.herald.server.Routing;
import java.time.Duration;

/** A stream that ends for good: GET /countdown sends 5 … 1, closes, and answers the reconnect with 204. */
public class CountdownExample {
  /** Starts the server on {@code port} (0 picks a free one), counting down one number per {@code tick}. */
  public static HeraldServer start(int port, Duration tick) {
    return HeraldServer.builder()
        .port(port)
        .routing(Routing.builder()
            .sse("/countdown", (request, stream) -> {
              int next = stream.lastEventId().map(CountdownExample::resumeAt).orElse(5);
              if (next < 1) {
                throw new HttpException(204, "the countdown is over");   // 204: don't come back
              }
              for (int n = next; n >= 1 && stream.isOpen(); n--) {
                stream.send(SseEvent.builder().id(Integer.toString(n)).data(Integer.toString(n)).build());
                if (n > 1) {
                  Thread.sleep(tick.toMillis());   // handlers run on worker threads and may block
                }
              }
              stream.close();   // a browser reconnects after its retry delay, sending Last-Event-ID: 1
            })
            .build())
        .build()
        .start();
  }

  /** Where a client that last saw {@code lastId} resumes; a 400 for an id this stream never sent. */
  static int resumeAt(String lastId) {
    try {
      return Math.min(5, Integer.parseInt(lastId) - 1);
    } catch (NumberFormatException e) {
      throw new HttpException(400, "Last-Event-ID is not a countdown number: " + lastId);
    }
  }

  /** Serves on port {@code args[0]} (default 8080, 0 for any free port) until stopped. */
  public static void main(String[] args) throws InterruptedException {
    HeraldServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 8080, Duration.ofSeconds(1));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Listening on " + server.uri() + "countdown");
    Thread.currentThread().join();
  }
}
// README-countdown:end
