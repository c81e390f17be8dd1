package dev.herald.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A minimal HTTP/1.1 request on a connection of its own, for the requests the JDK client cannot
 * put on the wire exactly: a {@code Last-Event-ID} outside visible ASCII, which a browser sends as
 * the id's UTF-8 bytes (JDK 17 writes {@code ?} for U+0080 to U+00FF and refuses the rest).
 *
 * <p>It sends the request line, {@code Host}, the source's headers, {@code Last-Event-ID},
 * {@code Content-Length} for a body and {@code Connection: close}, all UTF-8; reads the response
 * head (skipping 1xx), follows redirects as the client's {@link HttpClient#followRedirects()} says
 * (at most {@value #MAX_REDIRECTS}, 303 and a redirected POST become GET), uses the client's
 * {@link HttpClient#sslContext()} and {@link HttpClient#sslParameters()} for https (host name
 * verified, ALPN {@code http/1.1}) and its cookie handler, then hands the body (chunked,
 * {@code Content-Length} or up to the end of the connection) to the exchange, reading only
 * what the subscriber asked for. A proxy configured on the client is not supported: such a
 * request fails at once. One pooled thread blocks on the socket while the stream is open.
 */
final class RawHttp implements Flow.Subscription {
  static final int MAX_REDIRECTS = 5;

  private final HttpClient client;
  private final Request request;
  private final HttpResponse.BodyHandler<Void> handler;
  private final CompletableFuture<Void> future = new CompletableFuture<>() {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      RawHttp.this.cancel();
      return super.cancel(mayInterruptIfRunning);
    }
  };
  private final Object lock = new Object();
  private long demand; // guarded by lock
  private volatile boolean cancelled;
  private volatile Socket socket;
  private HttpResponse.BodySubscriber<Void> subscriber; // only the reading thread

  private RawHttp(HttpClient client, Request request, HttpResponse.BodyHandler<Void> handler) {
    this.client = client;
    this.request = request;
    this.handler = handler;
  }

  /** Starts the request on a thread of {@code executor}; throws at once if it cannot be sent this way. */
  static CompletableFuture<Void> send(HttpClient client, Request request, HttpResponse.BodyHandler<Void> handler,
      Executor executor) {
    Optional<Proxy> proxy = client.proxy().flatMap(selector -> selector.select(request.uri).stream().findFirst());
    if (proxy.isPresent() && proxy.get().type() != Proxy.Type.DIRECT) {
      throw new IllegalStateException("a Last-Event-ID outside visible ASCII cannot be sent through a proxy ("
          + proxy.get() + ")");
    }
    RawHttp call = new RawHttp(client, request, handler);
    executor.execute(call::run);
    return call.future;
  }

  @Override
  public void request(long n) {
    synchronized (lock) {
      demand = n <= 0 || demand + n < 0 ? Long.MAX_VALUE : demand + n;
      lock.notifyAll();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    closeSocket();
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private void run() {
    try {
      Request current = request;
      for (int redirects = 0; ; redirects++) {
        Socket s = open(current.uri);
        OutputStream out = s.getOutputStream();
        out.write(head(current));
        if (current.body != null) {
          out.write(current.body);
        }
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), RawBody.BUFFER);
        Info info = readHead(in);
        storeCookies(current.uri, info.headers());
        Request next = redirect(current, info, redirects);
        if (next == null) {
          stream(info, in, current.method);
          return;
        }
        closeSocket();
        current = next;
      }
    } catch (IOException | RuntimeException e) {
      closeSocket();
      if (subscriber == null) {
        future.completeExceptionally(e);
      } else if (!cancelled) {
        subscriber.onError(e);
      }
    }
  }

  private Socket open(URI uri) throws IOException {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    if (host == null) {
      throw new IOException("no host in " + uri);
    }
    String address = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    Socket plain = new Socket();
    // A new Socket gets its descriptor lazily, inside connect(): a close() from cancel() racing that
    // would mark it closed before the descriptor exists, and the connection would then stay open
    // (unreachable) until garbage collection. Setting an option creates the descriptor here first.
    plain.setTcpNoDelay(true);
    socket = plain;
    if (cancelled) {
      closeSocket();
      throw new IOException("cancelled");
    }
    int timeout = client.connectTimeout().map(d -> (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()))).orElse(0);
    plain.connect(new InetSocketAddress(address, port), timeout);
    if (!https) {
      return plain;
    }
    SSLSocket tls = (SSLSocket) client.sslContext().getSocketFactory().createSocket(plain, address, port, true);
    socket = tls;
    SSLParameters parameters = client.sslParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setApplicationProtocols(new String[] {"http/1.1"});
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    return tls;
  }

  /** The request head, UTF-8: the id's own bytes, as a browser sends them. */
  private byte[] head(Request r) throws IOException {
    URI uri = r.uri;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    StringBuilder head = new StringBuilder(r.method).append(' ').append(path);
    if (uri.getRawQuery() != null) {
      head.append('?').append(uri.getRawQuery());
    }
    head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost());
    if (uri.getPort() != -1) {
      head.append(':').append(uri.getPort());
    }
    head.append("\r\n");
    for (Map.Entry<String, List<String>> cookie : cookies(uri).entrySet()) {
      if (!cookie.getValue().isEmpty()) {
        head.append(cookie.getKey()).append(": ").append(String.join("; ", cookie.getValue())).append("\r\n");
      }
    }
    for (String[] header : r.wireHeaders()) {
      head.append(header[0]).append(": ").append(header[1]).append("\r\n");
    }
    if (r.body != null) {
      head.append("Content-Length: ").append(r.body.length).append("\r\n");
    }
    return head.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private Map<String, List<String>> cookies(URI uri) throws IOException {
    if (client.cookieHandler().isEmpty()) {
      return Map.of();
    }
    return client.cookieHandler().get().get(uri, Map.of());
  }

  private void storeCookies(URI uri, HttpHeaders headers) throws IOException {
    if (client.cookieHandler().isPresent()) {
      client.cookieHandler().get().put(uri, headers.map());
    }
  }

  private static Info readHead(InputStream in) throws IOException {
    while (true) {
      String status = RawBody.line(in);
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
        throw new IOException("not an HTTP/1.1 status line: " + status);
      }
      int code;
      try {
        code = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP/1.1 status line: " + status, e);
      }
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line = RawBody.line(in); !line.isEmpty(); line = RawBody.line(in)) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed response header: " + line);
        }
        headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
      }
      if (code >= 100 && code < 200 && code != 101) {
        continue; // 100 Continue, 103 Early Hints: the real response follows
      }
      return new Info(code, HttpHeaders.of(headers, (name, value) -> true));
    }
  }

  /** The request to follow {@code info} with, or null to hand {@code info} to the exchange. */
  private Request redirect(Request current, Info info, int redirects) throws IOException {
    int code = info.statusCode();
    Optional<String> location = info.headers().firstValue("Location");
    HttpClient.Redirect policy = client.followRedirects();
    if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308 || location.isEmpty()
        || policy == HttpClient.Redirect.NEVER) {
      return null;
    }
    URI target = current.uri.resolve(location.get().trim());
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")
        || policy == HttpClient.Redirect.NORMAL && scheme.equals("http") && "https".equalsIgnoreCase(current.uri.getScheme())) {
      return null;
    }
    if (redirects >= MAX_REDIRECTS) {
      throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + request.uri);
    }
    boolean toGet = code == 303 || (code == 301 || code == 302) && current.method.equals("POST");
    return new Request(toGet ? "GET" : current.method, target, current.headers, toGet ? null : current.body,
        current.lastEventId);
  }

  private void stream(Info info, InputStream in, String method) throws IOException {
    RawBody body = RawBody.of(info.statusCode(), info.headers(), in, method);
    subscriber = handler.apply(info);
    subscriber.onSubscribe(this);
    future.complete(null);
    while (awaitDemand()) {
      ByteBuffer next = body.next();
      if (next == null) {
        closeSocket();
        subscriber.onComplete();
        return;
      }
      subscriber.onNext(List.of(next));
    }
    closeSocket();
  }

  private boolean awaitDemand() {
    synchronized (lock) {
      while (demand == 0 && !cancelled) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          cancelled = true;
        }
      }
      if (cancelled) {
        return false;
      }
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      return true;
    }
  }

  private void closeSocket() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** The status and headers of a response, as the exchange's body handler sees them. */
  record Info(int statusCode, HttpHeaders headers) implements HttpResponse.ResponseInfo {
    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }
}
