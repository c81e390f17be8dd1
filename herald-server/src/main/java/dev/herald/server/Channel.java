package dev.herald.server;

import dev.herald.core.EncodedEvent;
import dev.herald.core.SseEvent;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A broadcast group of {@link SseStream}s, optionally keyed (for example by user id) so one
 * event can reach all streams or only one key's streams. Thread-safe: join, leave and send may
 * be called from any thread; sends take no lock while writing. Each event is encoded once and
 * the same bytes are shared by every member; members leave by themselves when they close.
 */
public final class Channel {
  private final Set<SseStream> members = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<SseStream>> byKey = new ConcurrentHashMap<>();
  private final Map<SseStream, String> keyOf = new ConcurrentHashMap<>();
  private final Set<SseStream> hooked = ConcurrentHashMap.newKeySet();

  private Channel() {}

  /** A new, empty channel. */
  public static Channel create() {
    return new Channel();
  }

  /** Adds {@code stream} without a key; it leaves when it closes. */
  public void join(SseStream stream) {
    Objects.requireNonNull(stream, "stream == null");
    if (members.add(stream) && hooked.add(stream)) {
      // one close hook per stream, however often it leaves and joins again
      stream.onClose(reason -> {
        hooked.remove(stream);
        leave(stream);
      });
    }
  }

  /** Adds {@code stream} under {@code key}; a stream has at most one key, so a later key replaces an earlier one. */
  public void join(String key, SseStream stream) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(stream, "stream == null");
    String old = keyOf.put(stream, key);
    if (old != null && !old.equals(key)) {
      removeKeyed(old, stream);
    }
    byKey.compute(key, (k, set) -> {
      Set<SseStream> s = set == null ? ConcurrentHashMap.newKeySet() : set;
      s.add(stream);
      return s;
    });
    join(stream);
    if (!stream.isOpen()) {
      leave(stream);
    }
  }

  /** Removes {@code stream} (and its key); does nothing if it is not a member. */
  public void leave(SseStream stream) {
    Objects.requireNonNull(stream, "stream == null");
    members.remove(stream);
    String key = keyOf.remove(stream);
    if (key != null) {
      removeKeyed(key, stream);
    }
  }

  private void removeKeyed(String key, SseStream stream) {
    byKey.computeIfPresent(key, (k, set) -> {
      set.remove(stream);
      return set.isEmpty() ? null : set;
    });
  }

  /** Sends {@code event} to every member; returns how many open streams accepted it. */
  public int send(SseEvent event) {
    Objects.requireNonNull(event, "event == null");
    return deliver(members, event);
  }

  /** Sends {@code event} to the streams joined under {@code key}; returns how many accepted it. */
  public int send(String key, SseEvent event) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(event, "event == null");
    Set<SseStream> targets = byKey.get(key);
    return targets == null ? 0 : deliver(targets, event);
  }

  /** The number of members. */
  public int size() {
    return members.size();
  }

  /** The number of members joined under {@code key}. */
  public int size(String key) {
    Objects.requireNonNull(key, "key == null");
    Set<SseStream> set = byKey.get(key);
    return set == null ? 0 : set.size();
  }

  private static int deliver(Set<SseStream> targets, SseEvent event) {
    if (targets.isEmpty()) {
      return 0;
    }
    EncodedEvent encoded = EncodedEvent.of(event);
    int delivered = 0;
    for (SseStream stream : targets) {
      if (stream.send(encoded)) {
        delivered++;
      }
    }
    return delivered;
  }

  @Override
  public String toString() {
    return "Channel{" + members.size() + " members, " + byKey.size() + " keys}";
  }
}
