package dev.herald.hub;

import dev.herald.server.HttpException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The body of a Mercure publish ({@code POST /.well-known/mercure}), an
 * {@code application/x-www-form-urlencoded} form with Mercure's fields: {@code topic}
 * (repeatable; at least one), {@code data} (optional: empty), {@code private} (its presence marks
 * the update private, whatever its value), {@code id} (a publisher-chosen id, see
 * {@link #checkId}), {@code type} (the SSE {@code event}) and {@code retry}. The event itself is
 * checked by the same rules as Herald's own publish ({@link PublishParser}); a field Mercure does
 * not define is a 400, so a misspelt field fails loudly. Stateless.
 */
final class MercureForm {
  /** The longest publisher-chosen id, in characters. */
  static final int MAX_ID_LENGTH = 200;

  private MercureForm() {}

  /** The update {@code body} asks for; 415 unless {@code contentType} is a form, 400 naming the field. */
  static NewEvent parse(PublishParser parser, String contentType, byte[] body) {
    String media = PublishParser.mediaType(contentType);
    if (!media.equals(PublishParser.FORM)) {
      throw new HttpException(415, "a Mercure publish is " + PublishParser.FORM
          + (media.isEmpty() ? " (no Content-Type given)" : ", not " + media));
    }
    List<String> topics = new ArrayList<>();
    String data = null;
    String type = null;
    String retry = null;
    String id = null;
    boolean isPrivate = false;
    for (String[] field : FormBody.fields(body)) {
      String name = field[0];
      String value = field[1];
      switch (name) {
        case "topic":
          topics.add(value);
          break;
        case "data":
          data = FormBody.once(name, data, value);
          break;
        case "type":
          type = FormBody.once(name, type, value);
          break;
        case "retry":
          retry = FormBody.once(name, retry, value);
          break;
        case "id":
          id = FormBody.once(name, id, value);
          break;
        case "private":
          isPrivate = true; // the spec: set means private, any value (on, empty, ...)
          break;
        default:
          throw new HttpException(400, "unknown field '" + SubscribeHandler.echo(name)
              + "' (a Mercure publish has topic, data, private, id, type, retry)");
      }
    }
    Long retryMs = retry == null ? null : PublishParser.formRetry(retry);
    NewEvent event = parser.event(topics, type == null || type.isEmpty() ? null : type, data == null ? "" : data,
        retryMs, isPrivate, "");
    return id == null ? event : event.withCustomId(checkId(id));
  }

  /**
   * {@code id} if a publisher may choose it, else 400 saying why: 1 to {@value #MAX_ID_LENGTH}
   * printable ASCII characters (no control characters: an SSE {@code id:} line ends at CR or LF,
   * and NUL makes a browser ignore it; ASCII so that it round-trips through the
   * {@code Last-Event-ID} headers a browser sends and the hub answers), not starting with {@code #} (the spec keeps those for hubs), not
   * {@code earliest} (the spec's reserved value) and not all ASCII digits (the hub's own ids).
   */
  static String checkId(String id) {
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new HttpException(400, "field 'id' must be 1 to " + MAX_ID_LENGTH + " characters, not " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new HttpException(400, "field 'id' must be printable ASCII (an IRI's non-ASCII characters"
            + " percent-encoded, as in a URI), no control characters: the character at position " + i
            + String.format(Locale.ROOT, " is U+%04X", (int) c));
      }
    }
    if (id.startsWith("#")) {
      throw new HttpException(400, "field 'id' must not start with '#' (the Mercure specification keeps such ids for"
          + " hubs)");
    }
    if (id.equals("earliest")) {
      throw new HttpException(400, "field 'id' must not be 'earliest': subscribers send it to ask for all history");
    }
    if (id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new HttpException(400, "field 'id' must not be all digits: decimal ids are the hub's own; use an IRI such"
          + " as urn:uuid:…");
    }
    return id;
  }
}
