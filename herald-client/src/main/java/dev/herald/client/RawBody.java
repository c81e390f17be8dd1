package dev.herald.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The body of a response read by {@link RawHttp}, framed as HTTP/1.1 says: empty (HEAD, 204,
 * 304), chunked, {@code Content-Length}, or up to the end of the connection. Each call returns the
 * bytes available next (blocking until there are some), null at the end.
 */
@FunctionalInterface
interface RawBody {
  int MAX_LINE = 64 * 1024;
  int BUFFER = 16 * 1024;

  /** The next bytes of the body, or null at its end. */
  ByteBuffer next() throws IOException;

  /** The framing of a response with status {@code code} and {@code headers} to {@code method}. */
  static RawBody of(int code, HttpHeaders headers, InputStream in, String method) throws IOException {
    if (method.equals("HEAD") || code == 204 || code == 304) {
      return () -> null;
    }
    List<String> codings = headers.allValues("Transfer-Encoding");
    if (!codings.isEmpty()) {
      String all = String.join(",", codings).toLowerCase(Locale.ROOT);
      if (!all.replace(" ", "").endsWith("chunked")) {
        throw new IOException("unsupported Transfer-Encoding: " + all);
      }
      return new Chunked(in);
    }
    Optional<String> length = headers.firstValue("Content-Length");
    if (length.isPresent()) {
      long left;
      try {
        left = Long.parseLong(length.get());
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length: " + length.get(), e);
      }
      return new RawBody() {
        long remaining = left;

        @Override
        public ByteBuffer next() throws IOException {
          if (remaining <= 0) {
            return null;
          }
          ByteBuffer read = read(in, remaining);
          remaining -= read.remaining();
          return read;
        }
      };
    }
    return () -> {
      byte[] bytes = new byte[BUFFER];
      int n = in.read(bytes);
      return n < 0 ? null : ByteBuffer.wrap(bytes, 0, n);
    };
  }

  /** At least one and at most {@code max} bytes; EOF is an error. */
  static ByteBuffer read(InputStream in, long max) throws IOException {
    byte[] bytes = new byte[(int) Math.min(max, BUFFER)];
    int n = in.read(bytes);
    if (n < 0) {
      throw new EOFException("connection closed in the middle of the response body");
    }
    return ByteBuffer.wrap(bytes, 0, n);
  }

  /** One line without its CR LF (a bare LF is accepted), ISO-8859-1. */
  static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed in the middle of the response head");
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("response line longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** A chunked body; trailer fields are read and ignored. */
  final class Chunked implements RawBody {
    private final InputStream in;
    private long remaining;
    private boolean done;

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public ByteBuffer next() throws IOException {
      try {
        return chunk();
      } catch (EOFException e) {
        throw new EOFException("connection closed before the end of the chunked body (no last chunk)");
      }
    }

    private ByteBuffer chunk() throws IOException {
      if (done) {
        return null;
      }
      if (remaining == 0) {
        String size = line(in);
        int semicolon = size.indexOf(';');
        try {
          remaining = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + size, e);
        }
        if (remaining < 0) {
          throw new IOException("bad chunk size: " + size);
        }
        if (remaining == 0) {
          while (!line(in).isEmpty()) {
            // trailer fields, ignored
          }
          done = true;
          return null;
        }
      }
      ByteBuffer read = read(in, remaining);
      remaining -= read.remaining();
      if (remaining == 0 && !line(in).isEmpty()) {
        throw new IOException("chunk not followed by CR LF");
      }
      return read;
    }
  }
}
