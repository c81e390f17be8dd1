package dev.herald.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A raw HTTP/1.1 connection to a hub for tests that need exact headers or a chosen client
 * address (e.g. {@code 127.0.0.2}, still loopback, to be "another client"): writes a request,
 * reads a response head and its {@code Content-Length} body, or holds an event stream open.
 */
final class HubSocket implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final StringBuilder buffered = new StringBuilder();
  private boolean eof;

  /** One response: its status, headers (lower-case names) and body. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private HubSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code port} on 127.0.0.1 from {@code from} (e.g. {@code "127.0.0.2"}). */
  static HubSocket open(String host, int port, String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setSoTimeout(100);
    return new HubSocket(s);
  }

  static HubSocket open(int port, String from) throws IOException {
    return open("127.0.0.1", port, from);
  }

  /** Sends one request and reads its answer on a new connection from {@code from}. */
  static Answer exchange(int port, String from, String request) throws IOException {
    try (HubSocket c = open(port, from)) {
      c.write(request);
      return c.read();
    }
  }

  /** A request's text: {@code method path}, the headers ("Name: value"), and {@code body} (a Content-Length is added). */
  static String request(String method, String path, String body, String... headers) {
    StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
    }
    return sb.append("\r\n").append(body == null ? "" : body).toString();
  }

  /** A form publish of {@code data} to {@code topic}. */
  static String publish(String topic, String data, String... headers) {
    String[] all = new String[headers.length + 1];
    all[0] = "Content-Type: " + PublishParser.FORM;
    System.arraycopy(headers, 0, all, 1, headers.length);
    return request("POST", "/publish", HubHttp.form("topic", topic, "data", data), all);
  }

  void write(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Reads one response; an event stream's head only (its body keeps coming). */
  Answer read() throws IOException {
    String head = readUntil("\r\n\r\n");
    String[] lines = head.split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    int status = Integer.parseInt(lines[0].substring(9, 12));
    String length = headers.get("content-length");
    String body = "";
    if (length != null) {
      int n = Integer.parseInt(length);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (buffered.length() < n && !eof && System.nanoTime() < deadline) {
        fill();
      }
      body = buffered.substring(0, Math.min(n, buffered.length()));
      buffered.delete(0, body.length());
    }
    return new Answer(status, headers, body);
  }

  /** Reads through {@code marker} (e.g. an event's data line) and returns everything up to it. */
  String readUntil(String marker) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      int at = buffered.indexOf(marker);
      if (at >= 0) {
        String text = buffered.substring(0, at + marker.length());
        buffered.delete(0, at + marker.length());
        return text;
      }
      if (eof || System.nanoTime() > deadline) {
        throw new AssertionError("no " + marker.replace("\r\n", "\\r\\n") + " (eof=" + eof + "); got " + buffered);
      }
      fill();
    }
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
      // until the deadline
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
