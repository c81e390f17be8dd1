package dev.herald.examples;
// README-parser:begin
import dev.herald.core.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/** Prints the events of a text/event-stream read from stdin, e.g. {@code curl -N URL | java …}. */
public class ParserExample {
  /** Parses standard input to its end. */
  public static void main(String[] args) throws IOException {
    parse(System.in, System.out::println);
  }

  /** Parses {@code in} to its end, handing each event to {@code print} as one line. */
  public static void parse(InputStream in, Consumer<String> print) throws IOException {
    SseParser parser = SseParser.create(event -> print.accept(event.lastEventId() + " " + event.event() + ": " + event.data()));
    byte[] bytes = new byte[8192];
    int n;
    while ((n = in.read(bytes)) != -1) {
      parser.feed(bytes, 0, n);   // as bytes arrive, in chunks of any size
    }
    parser.end();   // at the end of the stream: an unterminated last event is discarded
  }
}
// README-parser:end
