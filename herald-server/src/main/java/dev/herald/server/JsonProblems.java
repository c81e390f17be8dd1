package dev.herald.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.time.temporal.TemporalAmount;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Describes a Jackson read failure in the client's terms: the field (as a path such as
 * {@code items[2].name}), the JSON type it should have, the line and column; never a Java class
 * or package name. Stateless.
 */
final class JsonProblems {
  /** Text that reveals Java internals: a qualified name ({@code a.b.C}), a nested class, a Jackson feature. */
  private static final Pattern INTERNALS = Pattern.compile(
      "[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[A-Za-z]|\\$|\\bclass |`|Feature\\b|\\[Source|\\bjava\\b|jackson");

  /** The range in Jackson's "out of range of int (-2147483648 - 2147483647)". */
  private static final Pattern RANGE = Pattern.compile("out of range of \\w+ \\((-?\\d+) - (-?\\d+)\\)");

  private JsonProblems() {}

  /** The client-facing message for {@code e}, a failure of reading JSON. */
  static String describe(Exception e) {
    if (!(e instanceof JsonProcessingException jpe)) {
      return "unreadable JSON";
    }
    String where = where(jpe.getLocation());
    if (e instanceof JsonMappingException jme) {
      String original = String.valueOf(jme.getOriginalMessage());
      if (original.startsWith("No content to map")) {
        return "the body holds no JSON value, only white space";
      }
      return mapping(jme) + where + known(jme);
    }
    if (e instanceof JsonEOFException) {
      return "malformed JSON: unexpected end of input" + where;
    }
    if (e instanceof InputCoercionException) {
      return "a number is out of range" + where;
    }
    if (e instanceof StreamConstraintsException) {
      // "Number value length (1200) exceeds the maximum allowed (1000, from `StreamReadConstraints...`)"
      String limit = detail(String.valueOf(jpe.getOriginalMessage()).replaceAll(", from `[^`]*`\\)", ")"));
      return "the JSON exceeds a limit" + limit + where;
    }
    return "malformed JSON" + detail(jpe.getOriginalMessage()) + where;
  }

  private static String mapping(JsonMappingException e) {
    String path = path(e);
    if (e instanceof PropertyBindingException pbe) {
      String parent = path.lastIndexOf('.') < 0 ? "" : path.substring(0, path.lastIndexOf('.') + 1);
      return "unknown field '" + parent + pbe.getPropertyName() + "'";
    }
    if (e instanceof InvalidNullException) {
      return subject(e, path) + " must not be null";
    }
    if (e instanceof ValueInstantiationException) {
      Throwable cause = e.getCause();
      String reason = cause instanceof IllegalArgumentException && cause.getMessage() != null
          ? detail(cause.getMessage()) : "";
      return invalid(e, path) + reason;
    }
    if (e instanceof MismatchedInputException mie) {
      String original = String.valueOf(e.getOriginalMessage());
      if (original.startsWith("Trailing token")) {
        return "unexpected data after the JSON value";
      }
      return subject(e, path) + " must be " + expected(mie.getTargetType());
    }
    Throwable cause = e.getCause();
    if (cause instanceof InputCoercionException) {
      // "Numeric value (99999999999) out of range of int (-2147483648 - 2147483647)"
      Matcher range = RANGE.matcher(String.valueOf(e.getOriginalMessage()));
      return subject(e, path) + (range.find() ? " must be a number from " + range.group(1) + " to " + range.group(2)
          : " is out of range");
    }
    if (cause instanceof JsonProcessingException inner && !(cause instanceof JsonMappingException)) {
      return describe(inner).replaceFirst(" \\(line \\d+, column \\d+\\)$", "");
    }
    return invalid(e, path);
  }

  private static String invalid(JsonMappingException e, String path) {
    return path.isEmpty() ? "invalid JSON body" : "invalid value for " + subject(e, path);
  }

  /** For an unknown field: {@code ; known fields: 'a', 'b'} (sorted, at most 20), else empty. */
  private static String known(JsonMappingException e) {
    if (!(e instanceof PropertyBindingException pbe) || pbe.getKnownPropertyIds() == null
        || pbe.getKnownPropertyIds().isEmpty() || pbe.getKnownPropertyIds().size() > 20) {
      return "";
    }
    return "; known fields: " + pbe.getKnownPropertyIds().stream().map(String::valueOf).sorted()
        .map(id -> "'" + id + "'").collect(Collectors.joining(", "));
  }

  /** {@code field 'a.b'}, {@code element 'items[2]'} or, at the top, {@code the JSON body}. */
  private static String subject(JsonMappingException e, String path) {
    if (path.isEmpty()) {
      return "the JSON body";
    }
    return (path.endsWith("]") ? "element '" : "field '") + path + "'";
  }

  /** The path of the failure in JSON terms: {@code items[2].name}. */
  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** The JSON a value of {@code type} is written as, in words. */
  static String expected(Class<?> type) {
    if (type == null || type == Object.class) {
      return "a JSON value";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == char.class || type == Character.class || CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type.isEnum()) {
      Object[] values = type.getEnumConstants();
      return values.length == 0 || values.length > 20 ? "one of the allowed strings"
          : "one of " + Arrays.stream(values).map(v -> "'" + ((Enum<?>) v).name() + "'").collect(Collectors.joining(", "));
    }
    if (type == byte[].class) {
      return "a base64 string";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    return stringy(type);
  }

  private static String stringy(Class<?> type) {
    if (type == Instant.class) {
      return "an ISO-8601 instant such as \"2026-12-01T10:15:30Z\"";
    }
    if (type == OffsetDateTime.class || type == ZonedDateTime.class) {
      return "an ISO-8601 date-time with offset such as \"2026-12-01T10:15:30+01:00\"";
    }
    if (type == LocalDateTime.class) {
      return "an ISO-8601 date-time such as \"2026-12-01T10:15:30\"";
    }
    if (type == LocalDate.class) {
      return "an ISO-8601 date such as \"2026-12-01\"";
    }
    if (type == LocalTime.class) {
      return "an ISO-8601 time such as \"10:15:30\"";
    }
    if (type == Duration.class) {
      return "an ISO-8601 duration such as \"PT30S\"";
    }
    if (Temporal.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)) {
      return "an ISO-8601 date or time string";
    }
    if (type == UUID.class) {
      return "a UUID string";
    }
    if (type == URI.class || type == URL.class) {
      return "a URI string";
    }
    return "an object";
  }

  /** {@code ": " + message}, cut to its first line and before Jackson's location notes, or empty if it reveals internals. */
  private static String detail(String message) {
    if (message == null || message.isBlank()) {
      return "";
    }
    String m = message;
    int cut = m.indexOf('\n');
    m = cut < 0 ? m : m.substring(0, cut);
    for (String marker : new String[] {" (start marker at", " at [Source", ": enable `", " (not recognized as one since"}) {
      int at = m.indexOf(marker);
      m = at < 0 ? m : m.substring(0, at);
    }
    m = m.strip();
    if (m.isEmpty() || INTERNALS.matcher(m).find()) {
      return "";
    }
    boolean acronym = m.length() > 1 && Character.isUpperCase(m.charAt(1)); // "URL must ..." stays as it is
    return ": " + (acronym ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1));
  }

  private static String where(JsonLocation loc) {
    return loc != null && loc.getLineNr() > 0 ? " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")" : "";
  }
}
