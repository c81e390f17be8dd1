package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A token sent in the URL ({@code ?authorization=…}, {@code ?access_token=…}, the places a
 * browser {@code EventSource} may have to use) does not end up in the server's own logs when a
 * handler fails: the request is logged with those values replaced by {@code ***}. Over a real
 * socket, with the log events captured.
 */
class RequestLogRedactionTest {
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJl";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(HttpServerHandler.class),
      (Logger) LoggerFactory.getLogger(NettySseStream.class));
  private HeraldServer server;

  @BeforeEach
  void start() {
    logs.start();
    loggers.forEach(l -> l.addAppender(logs));
    server = HeraldServer.builder().port(0).routing(Routing.builder()
        .get("/boom", req -> {
          throw new IllegalStateException("handler bug");
        })
        .sse("/events", (req, stream) -> {
          throw new IllegalStateException("handler bug");
        })
        .build()).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    loggers.forEach(l -> l.detachAppender(logs));
  }

  private String logged(String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve(path)).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(500);
    // the error is logged before the answer is written, so it is in the list by now
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
  }

  @Test
  void aFailingHandlerLogsTheRequestWithoutTheTokenInItsQuery() throws Exception {
    String text = logged("/boom?topic=a&authorization=" + TOKEN + "&x=1&access_token=" + TOKEN);
    assertThat(text).contains("GET /boom?topic=a&authorization=***&x=1&access_token=***").doesNotContain(TOKEN);
  }

  @Test
  void aFailingSseHandlerToo() throws Exception {
    String text = logged("/events?topic=a&Authorization=" + TOKEN);
    assertThat(text).contains("GET /events?topic=a&Authorization=***").doesNotContain(TOKEN);
  }

  @Test
  void aTokenAfterASemicolonIsRedactedToo() throws Exception {
    // the query parser splits at ';' as at '&', so this is the authorization parameter a handler reads
    String text = logged("/boom?topic=a;authorization=" + TOKEN + ";x=1");
    assertThat(text).contains("GET /boom?topic=a;authorization=***;x=1").doesNotContain(TOKEN);
  }

  @Test
  void otherParametersAndOddPairsAreLoggedAsSent() {
    assertThat(ServerRequest.redactCredentials("authorization&a=1&&authorizationx=2&%61uthorization=t&b"))
        .isEqualTo("authorization&a=1&&authorizationx=2&%61uthorization=***&b");
  }
}
