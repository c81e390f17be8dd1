package dev.herald.server;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** {@link ResponseHeaders} over the Netty headers of a response being built; checks every change. */
final class NettyResponseHeaders implements ResponseHeaders {
  /** What a filter cannot set on an event stream's head: framing plus the stream's content type. */
  static final Set<String> STREAM_OWNED = Set.of("content-length", "transfer-encoding", "connection", "content-type");

  private final int status;
  private final boolean eventStream;
  private final HttpHeaders headers;

  NettyResponseHeaders(int status, boolean eventStream, HttpHeaders headers) {
    this.status = status;
    this.eventStream = eventStream;
    this.headers = headers;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public boolean isEventStream() {
    return eventStream;
  }

  @Override
  public Optional<String> get(String name) {
    return Optional.ofNullable(headers.get(Objects.requireNonNull(name, "name == null")));
  }

  @Override
  public List<String> getAll(String name) {
    return List.copyOf(headers.getAll(Objects.requireNonNull(name, "name == null")));
  }

  @Override
  public ResponseHeaders add(String name, String value) {
    check(name, value);
    headers.add(name, value);
    return this;
  }

  @Override
  public ResponseHeaders set(String name, String value) {
    check(name, value);
    headers.set(name, value);
    return this;
  }

  private void check(String name, String value) {
    HeaderRules.check(name, value);
    if (HeaderRules.isOneOf(name, eventStream ? STREAM_OWNED : HeaderRules.SERVER_OWNED)) {
      throw new IllegalArgumentException(name + " is set by the server on "
          + (eventStream ? "event streams" : "every response") + "; a filter cannot set it");
    }
  }
}
