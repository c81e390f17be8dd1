package dev.herald.hub;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the bearer of one request may do, decided once when the request arrives: from its verified
 * token's claims ({@code mercure.publish}, {@code mercure.subscribe}, {@code mercure.payload},
 * {@code sub}, {@code exp}), or by the hub's rule for requests without a token. Immutable and
 * thread-safe.
 *
 * <p>The rules, Mercure's: a publish is allowed only if every one of its topics is covered by the
 * publish claim; a public update reaches every subscriber whose selectors match it; a private
 * update reaches a subscriber only if the subscribe claim covers at least one of its topics.
 */
final class Access {
  private static final Access OPEN = new Access(Optional.empty(), TopicClaim.ALL, TopicClaim.NONE,
      Optional.empty(), Optional.empty(), false);
  private static final Access ANONYMOUS = new Access(Optional.empty(), TopicClaim.NONE, TopicClaim.NONE,
      Optional.empty(), Optional.empty(), false);

  private final Optional<String> subject;
  private final TopicClaim publish;
  private final TopicClaim subscribe;
  private final Optional<String> payload;
  private final Optional<Instant> expiresAt;
  private final boolean token;

  private Access(Optional<String> subject, TopicClaim publish, TopicClaim subscribe, Optional<String> payload,
      Optional<Instant> expiresAt, boolean token) {
    this.subject = Objects.requireNonNull(subject, "subject == null");
    this.publish = Objects.requireNonNull(publish, "publish == null");
    this.subscribe = Objects.requireNonNull(subscribe, "subscribe == null");
    this.payload = Objects.requireNonNull(payload, "payload == null");
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt == null");
    this.token = token;
  }

  /**
   * The hub in open mode (no key configured, loopback only): anyone may publish to any topic and
   * read public updates; nobody can be authorized for private ones.
   */
  static Access open() {
    return OPEN;
  }

  /** A request without a token where tokens are checked: public updates only, no publishing. */
  static Access anonymous() {
    return ANONYMOUS;
  }

  /**
   * The bearer of a verified token: {@code publish} and {@code subscribe} from its
   * {@code mercure.publish} / {@code mercure.subscribe} claims (absent claims are
   * {@link TopicClaim#NONE}), {@code payload} the {@code mercure.payload} claim as JSON text,
   * {@code expiresAt} its {@code exp}.
   */
  static Access token(Optional<String> subject, TopicClaim publish, TopicClaim subscribe, Optional<String> payload,
      Optional<Instant> expiresAt) {
    return new Access(subject, publish, subscribe, payload, expiresAt, true);
  }

  /** Whether the request carried a verified token. */
  boolean hasToken() {
    return token;
  }

  /** The token's {@code sub}, if it has one. */
  Optional<String> subject() {
    return subject;
  }

  /** The {@code mercure.payload} claim as JSON text, if the token has one. */
  Optional<String> payload() {
    return payload;
  }

  /** When the token expires ({@code exp}); empty for a token without one, and without a token. */
  Optional<Instant> expiresAt() {
    return expiresAt;
  }

  /** The selectors of the publish claim. */
  TopicClaim publishClaim() {
    return publish;
  }

  /** The selectors of the subscribe claim. */
  TopicClaim subscribeClaim() {
    return subscribe;
  }

  /** Whether an update to {@code topics} may be published: every topic is covered. */
  boolean mayPublish(List<String> topics) {
    if (topics.isEmpty()) {
      return false;
    }
    for (String topic : topics) {
      if (!publish.covers(topic)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an update to {@code topics} may reach this subscriber (given that its selectors
   * match): always for a public update; for a private one only if the subscribe claim covers at
   * least one of its topics.
   */
  boolean mayReceive(List<String> topics, boolean isPrivate) {
    if (!isPrivate) {
      return true;
    }
    for (String topic : topics) {
      if (subscribe.covers(topic)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    if (this == OPEN) {
      return "Access{open}";
    }
    if (!token) {
      return "Access{anonymous}";
    }
    return "Access{sub=" + subject.orElse("-") + ", publish=" + publish + ", subscribe=" + subscribe
        + expiresAt.map(e -> ", exp=" + e).orElse("") + "}";
  }
}
