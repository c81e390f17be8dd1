package dev.herald.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/1.1 server on a raw {@link ServerSocket} (127.0.0.1, ephemeral port): each
 * connection takes the next {@link Handler} of the script (the fallback once it is empty), which
 * writes exact bytes. Every request is recorded. One thread per connection, all daemon.
 */
final class TestServer implements AutoCloseable {
  private final ServerSocket serverSocket;
  private final ConcurrentLinkedQueue<Handler> script = new ConcurrentLinkedQueue<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger clientCloses = new AtomicInteger();
  final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
  private volatile Handler fallback = status(503);
  private volatile boolean stopped;

  /** A request as received. Header names are lower case. */
  record Recorded(int index, String method, String target, Map<String, String> headers, String body, byte[] head) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The exact bytes of the value of header {@code name} (first occurrence, after ": "), or null. */
    byte[] rawHeader(String name) {
      String text = new String(head, StandardCharsets.ISO_8859_1); // one char per byte
      for (String line : text.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim().getBytes(StandardCharsets.ISO_8859_1);
        }
      }
      return null;
    }
  }

  /** Writes the response of one connection. */
  @FunctionalInterface
  interface Handler {
    void handle(Recorded request, Exchange exchange) throws IOException, InterruptedException;
  }

  /** One connection's socket, for handlers. */
  final class Exchange {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Exchange(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void write(String text) throws IOException {
      write(text.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** Writes and flushes one byte at a time. */
    void writeSlowly(byte[] bytes) throws IOException {
      for (byte b : bytes) {
        out.write(b);
        out.flush();
      }
    }

    /** Blocks until the client closes the connection (or the server stops). */
    void awaitClientClose() {
      try {
        while (in.read() >= 0) {
          // discard
        }
      } catch (IOException ignored) {
        // reset or server stop
      }
      if (!stopped) {
        clientCloses.incrementAndGet();
      }
    }
  }

  TestServer() throws IOException {
    this(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
  }

  /** A server on {@code serverSocket}, e.g. an {@link javax.net.ssl.SSLServerSocket} (then its URIs are https). */
  TestServer(ServerSocket serverSocket) {
    this.serverSocket = serverSocket;
    Thread acceptor = new Thread(this::accept, "test-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  URI uri(String path) {
    String scheme = serverSocket instanceof javax.net.ssl.SSLServerSocket ? "https" : "http";
    return URI.create(scheme + "://127.0.0.1:" + serverSocket.getLocalPort() + path);
  }

  URI uri() {
    return uri("/events");
  }

  /** Adds handlers for the next connections, in order. */
  TestServer enqueue(Handler... handlers) {
    script.addAll(java.util.List.of(handlers));
    return this;
  }

  /** The handler for connections once the script is used up; a 503 by default. */
  TestServer fallback(Handler handler) {
    this.fallback = handler;
    return this;
  }

  int connections() {
    return connections.get();
  }

  /** How many connections the client closed while a handler waited in {@link Exchange#awaitClientClose()}. */
  int clientCloses() {
    return clientCloses.get();
  }

  Recorded takeRequest() throws InterruptedException {
    return takeRequest(Duration.ofSeconds(30));
  }

  Recorded takeRequest(Duration timeout) throws InterruptedException {
    Recorded r = requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (r == null) {
      throw new AssertionError("no request within " + timeout);
    }
    return r;
  }

  @Override
  public void close() throws IOException {
    stopped = true;
    serverSocket.close();
    for (Socket s : sockets) {
      s.close();
    }
  }

  private void accept() {
    while (!stopped) {
      try {
        Socket socket = serverSocket.accept();
        sockets.add(socket);
        int index = connections.incrementAndGet();
        Thread thread = new Thread(() -> serve(socket, index), "test-server-" + index);
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket, int index) {
    try (socket) {
      Exchange exchange = new Exchange(socket);
      Recorded request = read(exchange.in, index);
      if (request == null) {
        return;
      }
      requests.add(request);
      Handler handler = script.poll();
      (handler != null ? handler : fallback).handle(request, exchange);
    } catch (SocketException ignored) {
      // client went away
    } catch (IOException | InterruptedException e) {
      if (!stopped) {
        e.printStackTrace();
      }
    } finally {
      sockets.remove(socket);
    }
  }

  private static Recorded read(InputStream in, int index) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] requestLine = lines[0].split(" ");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Recorded(index, requestLine[0], requestLine[1], headers, new String(body, StandardCharsets.UTF_8),
        head.toByteArray());
  }

  // Handlers.

  static String head(int status, String... headers) {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(" Status\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("Connection: close\r\n\r\n").toString();
  }

  /** 200 {@code text/event-stream} with {@code body}, then the server closes the connection. */
  static Handler sse(String body) {
    return (request, exchange) -> exchange.write(head(200, "Content-Type: text/event-stream") + body);
  }

  /** 200 {@code text/event-stream} with {@code body}, then the connection stays open until the client closes it. */
  static Handler sseOpen(String body) {
    return (request, exchange) -> {
      exchange.write(head(200, "Content-Type: text/event-stream") + body);
      exchange.awaitClientClose();
    };
  }

  /** Headers, then the body one byte at a time with a flush after each, then the connection stays open. */
  static Handler sseSlowly(byte[] body) {
    return (request, exchange) -> {
      exchange.write(head(200, "Content-Type: text/event-stream"));
      exchange.writeSlowly(body);
      exchange.awaitClientClose();
    };
  }

  /** A response with {@code status}, {@code headers} and an empty body. */
  static Handler status(int status, String... headers) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
    all[headers.length] = "Content-Length: 0";
    return (request, exchange) -> exchange.write(head(status, all));
  }

  /** Never answers; waits for the client to close. */
  static Handler hang() {
    return (request, exchange) -> exchange.awaitClientClose();
  }
}
