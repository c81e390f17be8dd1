package dev.herald.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/** A raw loopback HTTP client for exact bytes: writes request text, reads until a marker. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final StringBuilder buffered = new StringBuilder();
  private boolean eof;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawClient open(int port) throws IOException {
    return open(port, s -> {});
  }

  static RawClient open(int port, Consumer<Socket> configure) throws IOException {
    Socket socket = new Socket();
    configure.accept(socket);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(100);
    return new RawClient(socket);
  }

  /** Opens a connection and sends {@code GET path}. */
  static RawClient get(int port, String path, String... headers) throws IOException {
    RawClient c = open(port);
    c.write(request("GET", path, headers));
    return c;
  }

  static String request(String method, String path, String... headers) {
    StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    return sb.append("\r\n").toString();
  }

  void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads through {@code marker} and returns everything up to and including it. */
  String readUntil(String marker, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      int at = buffered.indexOf(marker);
      if (at >= 0) {
        String text = buffered.substring(0, at + marker.length());
        buffered.delete(0, at + marker.length());
        return text;
      }
      if (eof) {
        throw new IOException("EOF before " + quote(marker) + "; got " + quote(buffered.toString()));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + quote(marker) + " within " + timeout + "; got " + quote(buffered.toString()));
      }
      fill();
    }
  }

  /** The response head (status line and headers). */
  String readHead(Duration timeout) throws IOException {
    return readUntil("\r\n\r\n", timeout);
  }

  /** Reads a whole response with a Content-Length body; returns head + body. */
  String readResponse(Duration timeout) throws IOException {
    String head = readHead(timeout);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (buffered.length() < length && !eof && System.nanoTime() < deadline) {
      fill();
    }
    String body = buffered.substring(0, Math.min(length, buffered.length()));
    buffered.delete(0, body.length());
    return head + body;
  }

  /** Whatever arrives within {@code window}, read and consumed. */
  String drain(Duration window) throws IOException {
    long deadline = System.nanoTime() + window.toNanos();
    while (!eof && System.nanoTime() < deadline) {
      fill();
    }
    String text = buffered.toString();
    buffered.setLength(0);
    return text;
  }

  /** Waits for the server to close the connection. */
  boolean awaitEof(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!eof && System.nanoTime() < deadline) {
      try {
        fill();
      } catch (IOException e) {
        eof = true;
      }
    }
    return eof;
  }

  private void fill() throws IOException {
    byte[] chunk = new byte[8192];
    try {
      int n = in.read(chunk);
      if (n < 0) {
        eof = true;
      } else {
        buffered.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException e) {
      // try again until the deadline
    }
  }

  static int status(String head) {
    return Integer.parseInt(head.substring(9, 12));
  }

  private static String quote(String s) {
    String t = s.length() > 400 ? s.substring(0, 400) + "..." : s;
    return '"' + t.replace("\r", "\\r").replace("\n", "\\n") + '"';
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
