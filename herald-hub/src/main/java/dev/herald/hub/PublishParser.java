package dev.herald.hub;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.core.InvalidEventException;
import dev.herald.core.SseEvent;
import dev.herald.server.HttpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a publish request body into validated {@link NewEvent}s, or throws {@link HttpException}
 * {@code 400} naming the field (and, in a JSON batch, the item index) or {@code 415} for a body
 * that is neither form nor JSON. Unknown fields are rejected, not ignored, so a misspelt
 * {@code evnet} fails loudly instead of publishing an unnamed event; {@code id} is rejected
 * because ids are the hub's. Event names starting with {@value #RESERVED_EVENT_PREFIX} (any case)
 * are the hub's own signals and {@code retry} must be {@value #MIN_RETRY_MS} ..
 * {@value #MAX_RETRY_MS} ms. A JSON {@code data} that is not a string is kept as the
 * publisher's JSON text ({@link HubJson#rawValue}), never re-serialised.
 *
 * <p>{@code private} marks a private update: in a form, the field present with value {@code on}
 * (what an HTML checkbox sends, and Mercure's {@code private=on}), {@code true}, {@code 1} or
 * empty; {@code off}, {@code false} or {@code 0} say public, anything else is a 400. In JSON,
 * {@code "private": true} or {@code false}, per event of a batch.
 *
 * <p>Threading: immutable and thread-safe.
 */
final class PublishParser {
  static final String FORM = "application/x-www-form-urlencoded";
  static final String JSON = "application/json";
  /** Event names starting with this (in any case) are the hub's own, e.g. {@code herald-gap}. */
  static final String RESERVED_EVENT_PREFIX = "herald-";
  /** The smallest {@code retry} a publisher may set, in milliseconds. */
  static final long MIN_RETRY_MS = 100;
  /** The largest {@code retry} a publisher may set: one day, in milliseconds. */
  static final long MAX_RETRY_MS = 86_400_000;

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
    String media = mediaType(contentType);
    if (media.equals(FORM)) {
      return new Parsed(List.of(form(body)), false);
    }
    if (media.equals(JSON)) {
      return json(body);
    }
    throw new HttpException(415, "Content-Type must be " + FORM + " or " + JSON
        + (media.isEmpty() ? " (none given)" : ", not " + media));
  }

  /** A form field name that is really a JSON body: it starts with an object or array. */
  private static boolean looksLikeJson(String name) {
    String n = name.stripLeading();
    return n.startsWith("{") || n.startsWith("[");
  }

  /** The media type of a {@code Content-Type} value: lower case, without parameters ("" for none). */
  static String mediaType(String contentType) {
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private NewEvent form(byte[] body) {
    List<String> topics = new ArrayList<>();
    String data = null;
    String event = null;
    Long retry = null;
    String priv = null;
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
        case "event":
          event = FormBody.once(name, event, value);
          break;
        case "retry":
          FormBody.once(name, retry == null ? null : "", value);
          retry = formRetry(value);
          break;
        case "private":
          priv = FormBody.once(name, priv, value);
          break;
        case "id":
          throw bad("", "field 'id' is not allowed: ids are assigned by the hub");
        default:
          if (looksLikeJson(name)) {
            // curl -d '{"topic":...}' sends JSON as a form: one field named after the whole body
            throw bad("", "the body looks like JSON but was sent as " + FORM
                + ": send it with the header 'Content-Type: " + JSON + "'");
          }
          throw bad("", "unknown field '" + name + "' (expected topic, data, event, retry, private)");
      }
    }
    if (data == null) {
      throw bad("", "field 'data' is required (it may be empty)");
    }
    return event(topics, event, data, retry, priv != null && formPrivate(priv), "");
  }

  /** The form's {@code private} value: on/true/1/empty is private, off/false/0 public, else 400. */
  private static boolean formPrivate(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "":
      case "on":
      case "true":
      case "1":
        return true;
      case "off":
      case "false":
      case "0":
        return false;
      default:
        throw bad("", "field 'private' must be on, true or 1 (or off, false, 0 for a public update), not '"
            + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
    }
  }

  static long formRetry(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad("", "retry must be ASCII digits (milliseconds), not '" + shown + "'");
    }
    String digits = value.replaceFirst("^0+(?=.)", "");
    long ms = digits.length() > 12 ? Long.MAX_VALUE : Long.parseLong(digits);
    if (ms < MIN_RETRY_MS || ms > MAX_RETRY_MS) {
      throw bad("", "retry must be from " + MIN_RETRY_MS + " to " + MAX_RETRY_MS + " milliseconds, not " + shown);
    }
    return ms;
  }

  /**
   * A JSON body as text: UTF-8 (the only encoding JSON may use between systems, RFC 8259
   * §8.1), a leading byte order mark dropped; else 400.
   */
  private static String jsonText(byte[] body) {
    String text;
    try {
      text = FormBody.strictUtf8(body);
    } catch (CharacterCodingException e) {
      throw bad("", "malformed JSON: the body is not valid UTF-8");
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private Parsed json(byte[] body) {
    String text = jsonText(body);
    int items = syntaxCheck(text);
    try (JsonParser p = HubJson.parser(text)) {
      JsonToken root = p.nextToken();
      if (root == JsonToken.START_OBJECT) {
        return new Parsed(List.of(jsonEvent(p, text, "")), false);
      }
      if (root != JsonToken.START_ARRAY) {
        throw bad("", "the body must be a JSON object (one event) or array (a batch)");
      }
      if (items == 0) {
        throw bad("", "a batch must hold at least one event");
      }
      if (items > maxBatch) {
        throw bad("", "a batch holds at most " + maxBatch + " events, not " + items);
      }
      List<NewEvent> events = new ArrayList<>(items);
      for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
        String where = "item " + i + ": ";
        if (p.currentToken() != JsonToken.START_OBJECT) {
          throw bad(where, "must be a JSON object");
        }
        events.add(jsonEvent(p, text, where));
      }
      return new Parsed(events, true);
    } catch (JacksonException e) {
      throw bad("", "malformed JSON: " + describe(e)); // not reached: the syntax check passed
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String
    }
  }

  /**
   * Reads the whole body once, so that malformed JSON anywhere is reported before any field
   * error (and a key given twice, anything after the value, too): the root value's item count
   * if it is an array, else 0.
   */
  private static int syntaxCheck(String text) {
    try (JsonParser p = HubJson.parser(text)) {
      JsonToken root = p.nextToken();
      if (root == null) {
        throw bad("", "the body is empty; expected a JSON object or array");
      }
      int items = 0;
      if (root == JsonToken.START_ARRAY) {
        while (p.nextToken() != JsonToken.END_ARRAY) {
          p.skipChildren();
          items++;
        }
      } else {
        p.skipChildren();
      }
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        throw bad("", "malformed JSON: content after the JSON value (line " + at.getLineNr() + ", column "
            + at.getColumnNr() + ")");
      }
      return items;
    } catch (JacksonException e) {
      throw bad("", "malformed JSON: " + describe(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String
    }
  }

  /** One event object; {@code p} is at its START_OBJECT and is left at its END_OBJECT. */
  private NewEvent jsonEvent(JsonParser p, String text, String where) throws IOException {
    List<String> topics = null;
    String event = null;
    String data = null;
    Long retry = null;
    boolean isPrivate = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "topic":
          if (topics != null) {
            throw bad(where, "give either 'topic' or 'topics', not both");
          }
          if (v != JsonToken.VALUE_STRING) {
            throw bad(where, "'topic' must be a string");
          }
          topics = List.of(p.getText());
          break;
        case "topics":
          if (topics != null) {
            throw bad(where, "give either 'topic' or 'topics', not both");
          }
          if (v != JsonToken.START_ARRAY) {
            throw bad(where, "'topics' must be an array of strings");
          }
          topics = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
              throw bad(where, "'topics' must be an array of strings");
            }
            topics.add(p.getText());
          }
          break;
        case "event":
          if (v != JsonToken.VALUE_STRING) {
            throw bad(where, "'event' must be a string");
          }
          event = p.getText();
          break;
        case "data":
          // a string is the data itself; any other value is sent as the publisher's JSON text
          data = v == JsonToken.VALUE_STRING ? p.getText() : HubJson.rawValue(p, text);
          break;
        case "retry":
          retry = jsonRetry(p, text, where);
          break;
        case "private":
          if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) {
            throw bad(where, "'private' must be true or false");
          }
          isPrivate = v == JsonToken.VALUE_TRUE;
          break;
        case "id":
          throw bad(where, "field 'id' is not allowed: ids are assigned by the hub");
        default:
          throw bad(where, "unknown field '" + name + "' (expected topic or topics, event, data, retry, private)");
      }
    }
    if (data == null) {
      throw bad(where, "field 'data' is required (it may be an empty string)");
    }
    return event(topics == null ? List.of() : topics, event, data, retry, isPrivate, where);
  }

  private static long jsonRetry(JsonParser p, String text, String where) throws IOException {
    boolean integer = p.currentToken() == JsonToken.VALUE_NUMBER_INT;
    if (!integer || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < MIN_RETRY_MS || p.getLongValue() > MAX_RETRY_MS) {
      String given = p.currentToken() == JsonToken.VALUE_STRING ? "\"" + p.getText() + "\"" : HubJson.rawValue(p, text);
      throw bad(where, "'retry' must be an integer from " + MIN_RETRY_MS + " to " + MAX_RETRY_MS
          + " (milliseconds), not " + (given.length() > 40 ? given.substring(0, 40) + "…" : given));
    }
    return p.getLongValue();
  }

  /** Checks the topics and the SSE fields of one event. */
  NewEvent event(List<String> topics, String event, String data, Long retryMs, boolean isPrivate, String where) {
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
    if (event != null && event.regionMatches(true, 0, RESERVED_EVENT_PREFIX, 0, RESERVED_EVENT_PREFIX.length())) {
      throw bad(where, "field 'event': names starting with '" + RESERVED_EVENT_PREFIX + "' are reserved for the hub's"
          + " own events (such as " + SubscribeHandler.GAP_EVENT + "), not '"
          + (event.length() > 40 ? event.substring(0, 40) + "…" : event) + "'");
    }
    return new NewEvent(topics, Optional.ofNullable(event), data, retry, isPrivate);
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
