package dev.herald.hub;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.core.InvalidEventException;
import dev.herald.core.SseEvent;
import dev.herald.server.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a publish request body into validated {@link NewEvent}s, or throws {@link HttpException}
 * {@code 400} naming the field (and, in a JSON batch, the item index) or {@code 415} for a body
 * that is neither form nor JSON. Unknown fields are rejected, not ignored, so a misspelt
 * {@code evnet} fails loudly instead of publishing an unnamed event; {@code id} is rejected
 * because ids are the hub's.
 *
 * <p>Threading: immutable and thread-safe.
 */
final class PublishParser {
  static final String FORM = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";

  private final int maxEventTopics;
  private final int maxBatch;

  PublishParser(int maxEventTopics, int maxBatch) {
    this.maxEventTopics = maxEventTopics;
    this.maxBatch = maxBatch;
  }

  /** What was asked: the events, and whether the request was a JSON array (a batch). */
  static final class Parsed {
    final List<NewEvent> events;
    final boolean batch;

    Parsed(List<NewEvent> events, boolean batch) {
      this.events = List.copyOf(events);
      this.batch = batch;
    }
  }

  /** Parses {@code body} according to {@code contentType} (the header value, possibly empty). */
  Parsed parse(String contentType, byte[] body) {
    String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (media.equals(FORM)) {
      return new Parsed(List.of(form(body)), false);
    }
    if (media.equals(JSON)) {
      return json(body);
    }
    throw new HttpException(415, "Content-Type must be " + FORM + " or " + JSON
        + (media.isEmpty() ? " (none given)" : ", not " + media));
  }

  private NewEvent form(byte[] body) {
    List<String> topics = new ArrayList<>();
    String data = null;
    String event = null;
    Long retry = null;
    for (String[] field : formFields(body)) {
      String name = field[0];
      String value = field[1];
      switch (name) {
        case "topic":
          topics.add(value);
          break;
        case "data":
          data = once(name, data, value);
          break;
        case "event":
          event = once(name, event, value);
          break;
        case "retry":
          once(name, retry == null ? null : "", value);
          if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad("", "retry must be ASCII digits (milliseconds), not '" + value + "'");
          }
          try {
            retry = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw bad("", "retry is too large: " + value);
          }
          break;
        case "id":
          throw bad("", "field 'id' is not allowed: ids are assigned by the hub");
        default:
          throw bad("", "unknown field '" + name + "' (expected topic, data, event, retry)");
      }
    }
    if (data == null) {
      throw bad("", "field 'data' is required (it may be empty)");
    }
    return event(topics, event, data, retry, "");
  }

  private static String once(String name, String previous, String value) {
    if (previous != null) {
      throw bad("", "field '" + name + "' is given more than once");
    }
    return value;
  }

  /** The fields of an {@code application/x-www-form-urlencoded} body, names and values decoded as UTF-8. */
  static List<String[]> formFields(byte[] body) {
    List<String[]> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '&') {
        if (i > start) {
          int eq = start;
          while (eq < i && body[eq] != '=') {
            eq++;
          }
          String name = decode(body, start, eq, "a field name");
          String value = eq < i ? decode(body, eq + 1, i, "field '" + name + "'") : "";
          fields.add(new String[] {name, value});
        }
        start = i + 1;
      }
    }
    return fields;
  }

  private static String decode(byte[] b, int from, int to, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '+') {
        out.write(' ');
      } else if (c == '%') {
        int hi = i + 2 < to ? Character.digit(b[i + 1], 16) : -1;
        int lo = i + 2 < to ? Character.digit(b[i + 2], 16) : -1;
        if (hi < 0 || lo < 0) {
          throw bad("", what + " has a malformed percent-escape");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw bad("", what + " is not valid UTF-8");
    }
  }

  private Parsed json(byte[] body) {
    JsonNode root;
    try {
      root = HubJson.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw bad("", "malformed JSON: " + describe(e));
    } catch (java.io.IOException e) {
      throw bad("", "unreadable JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw bad("", "the body is empty; expected a JSON object or array");
    }
    if (root.isObject()) {
      return new Parsed(List.of(jsonEvent(root, "")), false);
    }
    if (!root.isArray()) {
      throw bad("", "the body must be a JSON object (one event) or array (a batch)");
    }
    if (root.size() == 0) {
      throw bad("", "a batch must hold at least one event");
    }
    if (root.size() > maxBatch) {
      throw bad("", "a batch holds at most " + maxBatch + " events, not " + root.size());
    }
    List<NewEvent> events = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      String where = "item " + i + ": ";
      JsonNode item = root.get(i);
      if (!item.isObject()) {
        throw bad(where, "must be a JSON object");
      }
      events.add(jsonEvent(item, where));
    }
    return new Parsed(events, true);
  }

  private NewEvent jsonEvent(JsonNode node, String where) {
    List<String> topics = null;
    String event = null;
    String data = null;
    Long retry = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "topic":
          if (topics != null) {
            throw bad(where, "give either 'topic' or 'topics', not both");
          }
          if (!v.isTextual()) {
            throw bad(where, "'topic' must be a string");
          }
          topics = List.of(v.textValue());
          break;
        case "topics":
          if (topics != null) {
            throw bad(where, "give either 'topic' or 'topics', not both");
          }
          if (!v.isArray()) {
            throw bad(where, "'topics' must be an array of strings");
          }
          topics = new ArrayList<>();
          for (JsonNode t : v) {
            if (!t.isTextual()) {
              throw bad(where, "'topics' must be an array of strings");
            }
            topics.add(t.textValue());
          }
          break;
        case "event":
          if (!v.isTextual()) {
            throw bad(where, "'event' must be a string");
          }
          event = v.textValue();
          break;
        case "data":
          data = v.isTextual() ? v.textValue() : v.toString();
          break;
        case "retry":
          if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw bad(where, "'retry' must be a non-negative integer (milliseconds), not " + v);
          }
          retry = v.longValue();
          break;
        case "id":
          throw bad(where, "field 'id' is not allowed: ids are assigned by the hub");
        default:
          throw bad(where, "unknown field '" + f.getKey() + "' (expected topic or topics, event, data, retry)");
      }
    }
    if (data == null) {
      throw bad(where, "field 'data' is required (it may be an empty string)");
    }
    return event(topics == null ? List.of() : topics, event, data, retry, where);
  }

  /** Checks the topics and the SSE fields of one event. */
  private NewEvent event(List<String> topics, String event, String data, Long retryMs, String where) {
    if (topics.isEmpty()) {
      throw bad(where, "at least one topic is required");
    }
    if (topics.size() > maxEventTopics) {
      throw bad(where, "too many topics: " + topics.size() + " (at most " + maxEventTopics + ")");
    }
    Set<String> seen = new HashSet<>();
    for (String t : topics) {
      String problem = Topics.problem(t);
      if (problem != null) {
        throw bad(where, "invalid topic: " + problem);
      }
      if (!seen.add(t)) {
        throw bad(where, "topic '" + t + "' is given twice");
      }
    }
    Optional<Duration> retry = Optional.ofNullable(retryMs).map(Duration::ofMillis);
    try {
      SseEvent.Builder b = SseEvent.builder().data(data);
      if (event != null) {
        b.event(event);
      }
      retry.ifPresent(b::retry);
      b.build();
    } catch (InvalidEventException e) {
      throw bad(where, e.getMessage());
    }
    return new NewEvent(topics, Optional.ofNullable(event), data, retry);
  }

  private static String describe(JacksonException e) {
    String message = e.getOriginalMessage();
    int nl = message.indexOf('\n');
    if (nl >= 0) {
      message = message.substring(0, nl);
    }
    JsonLocation loc = e.getLocation();
    if (loc != null && loc.getLineNr() > 0) {
      message += " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
    return message;
  }

  private static HttpException bad(String where, String message) {
    return new HttpException(400, where + message);
  }
}
