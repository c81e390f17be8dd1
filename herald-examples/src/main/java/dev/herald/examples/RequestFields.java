package dev.herald.examples;

import dev.herald.server.HttpException;
import dev.herald.server.JsonCodec;
import dev.herald.server.Request;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one named field from a request the way the Express answers accept it: a JSON object
 * member, a form field, the whole plain-text body, or else a query parameter.
 */
final class RequestFields {
  static final int MAX_TEXT = 2000;

  private RequestFields() {}

  /** The field's value, trimmed; a 400 when it is missing, blank or longer than {@link #MAX_TEXT}. */
  static String required(Request request, String name) {
    return required(request, name, true);
  }

  /**
   * Like {@link #required(Request, String)}; without {@code plainBody} the error does not offer a
   * text/plain body (for requests of several fields, see {@link #requireFieldsBody}).
   */
  static String required(Request request, String name, boolean plainBody) {
    String value = optional(request, name).map(String::trim).orElse("");
    if (value.isEmpty()) {
      throw new HttpException(400, "missing '" + name + "': send it as JSON {\"" + name
          + "\": \"...\"}, a form field" + (plainBody ? ", a text/plain body" : "") + " or ?" + name + "=");
    }
    if (value.length() > MAX_TEXT) {
      throw new HttpException(400, "'" + name + "' is longer than " + MAX_TEXT + " characters");
    }
    return value;
  }

  /**
   * For a request that needs several fields: a body must be JSON or a form, else 415. A
   * text/plain body is one value, so it cannot say which field it is (it would become all of them).
   */
  static void requireFieldsBody(Request request, String... names) {
    String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (request.body().length > 0 && !type.startsWith("application/json")
        && !type.startsWith("application/x-www-form-urlencoded")) {
      StringBuilder json = new StringBuilder("{");
      for (String n : names) {
        json.append(json.length() > 1 ? ", " : "").append('"').append(n).append("\": \"...\"");
      }
      throw new HttpException(415, "a " + (type.isEmpty() ? "body without a Content-Type" : type.split(";")[0].trim()
          + " body") + " cannot carry the fields " + String.join(" and ", names) + ": send JSON " + json
          + "} (Content-Type: application/json) or form fields");
    }
  }

  static Optional<String> optional(Request request, String name) {
    String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (request.body().length > 0) {
      if (type.startsWith("application/json")) {
        Object body = request.bodyJson(Object.class);
        if (!(body instanceof Map<?, ?> object)) {
          throw new HttpException(400, "the JSON body must be an object like {\"" + name + "\": \"...\"}");
        }
        Object field = object.get(name);
        if (field != null) {
          // a number, boolean, array or object field is taken as its JSON text
          return Optional.of(field instanceof String text ? text : new String(JsonCodec.standard().write(field),
              StandardCharsets.UTF_8));
        }
      } else if (type.startsWith("application/x-www-form-urlencoded")) {
        Optional<String> field = formField(request.bodyText(), name);
        if (field.isPresent()) {
          return field;
        }
      } else {
        return Optional.of(request.bodyText());
      }
    }
    return request.query(name);
  }

  private static Optional<String> formField(String body, String name) {
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (decode(key).equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "malformed form encoding: " + e.getMessage());
    }
  }
}
