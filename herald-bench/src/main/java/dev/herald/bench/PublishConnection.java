package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One blocking keep-alive HTTP/1.1 connection that publishes form-encoded events. */
final class PublishConnection implements AutoCloseable {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  PublishConnection(InetSocketAddress hub) throws IOException {
    socket = new Socket(hub.getAddress(), hub.getPort());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(20_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 4096);
    host = hub.getHostString() + ":" + hub.getPort();
  }

  /** Publishes one event and waits for its 200 ack; an IOException on any other answer. */
  void publish(String topic, String data) throws IOException {
    String body = "topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&data="
        + URLEncoder.encode(data, StandardCharsets.UTF_8);
    out.write(("POST /publish HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded"
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!endsHead(head)) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed by the hub");
      }
      head.append((char) b);
    }
    Matcher length = CONTENT_LENGTH.matcher(head);
    byte[] answer = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
    if (head.indexOf("HTTP/1.1 200 ") != 0) {
      throw new IOException("publish failed: " + head + new String(answer, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Whether an HTTP head read so far ends with its blank line. */
  static boolean endsHead(CharSequence head) {
    int n = head.length();
    return n >= 4 && head.charAt(n - 4) == '\r' && head.charAt(n - 3) == '\n' && head.charAt(n - 2) == '\r'
        && head.charAt(n - 1) == '\n';
  }
}
