package dev.herald.client;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The server answered with a status that does not open a stream (anything but 200 and 204, after
 * redirects). The first {@value #MAX_BODY_BYTES} bytes of the response body are read and kept,
 * decoded as UTF-8, so the server's explanation is not lost; the message includes the start of it,
 * e.g. {@code unexpected status 400 from http://localhost:8080/chat: {"message":"missing 'prompt'"}}.
 */
public final class UnexpectedStatusException extends UnexpectedResponseException {
  private static final long serialVersionUID = 1L;

  /** How many bytes of the body are kept: 8 KiB. The rest is not read. */
  public static final int MAX_BODY_BYTES = 8 * 1024;
  /** How many chars of the body the message shows. */
  static final int MESSAGE_BODY_CHARS = 200;

  private final String body;
  private final boolean bodyTruncated;

  private UnexpectedStatusException(URI uri, ResponseHead response, String body, boolean bodyTruncated) {
    super(message(uri, response.status(), body, bodyTruncated), response);
    this.body = body;
    this.bodyTruncated = bodyTruncated;
  }

  /**
   * An exception for {@code response} whose body began with {@code bytes} (at most
   * {@link #MAX_BODY_BYTES} are used); {@code truncated} if the body went on or broke off.
   */
  static UnexpectedStatusException of(URI uri, ResponseHead response, byte[] bytes, int length, boolean truncated) {
    boolean cut = truncated || length > MAX_BODY_BYTES;
    return new UnexpectedStatusException(uri, response, decode(bytes, Math.min(length, MAX_BODY_BYTES), cut), cut);
  }

  /**
   * The start of the response body, decoded as UTF-8 (ill-formed bytes become U+FFFD); at most
   * {@link #MAX_BODY_BYTES} bytes of it, {@code ""} for an empty body.
   */
  public String body() {
    return body;
  }

  /**
   * Whether {@link #body()} is only part of the body: the body was longer than
   * {@link #MAX_BODY_BYTES}, or could not be read to its end (connection lost, read timeout).
   */
  public boolean bodyTruncated() {
    return bodyTruncated;
  }

  /** UTF-8 with U+FFFD for ill-formed bytes; a sequence cut by the cap is dropped, not replaced. */
  private static String decode(byte[] bytes, int length, boolean cut) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer out = CharBuffer.allocate(length + 1);
    decoder.decode(ByteBuffer.wrap(bytes, 0, length), out, !cut);
    if (!cut) {
      decoder.flush(out);
    }
    return out.flip().toString();
  }

  private static String message(URI uri, int status, String body, boolean truncated) {
    StringBuilder message = new StringBuilder("unexpected status ").append(status).append(" from ").append(uri);
    String text = body.strip().replaceAll("\\s+", " ");
    if (!text.isEmpty()) {
      boolean shortened = text.length() > MESSAGE_BODY_CHARS;
      message.append(": ").append(shortened ? text.substring(0, MESSAGE_BODY_CHARS) : text);
      if (shortened || truncated) {
        message.append("...");
      }
    }
    return message.toString();
  }
}
