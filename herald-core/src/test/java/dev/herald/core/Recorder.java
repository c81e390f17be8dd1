package dev.herald.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Records everything a parser reports, in order, as one comparable value. Test helper. */
final class Recorder implements SseParser.Listener {
  final List<MessageEvent> events = new ArrayList<>();
  final List<String> comments = new ArrayList<>();
  final List<Duration> retries = new ArrayList<>();
  /** Everything in arrival order, to compare runs with different chunking. */
  final List<Object> log = new ArrayList<>();

  @Override
  public void onEvent(MessageEvent event) {
    events.add(event);
    log.add(event);
  }

  @Override
  public void onComment(String comment) {
    comments.add(comment);
    log.add("comment:" + comment);
  }

  @Override
  public void onRetry(Duration reconnectionTime) {
    retries.add(reconnectionTime);
    log.add(reconnectionTime);
  }

  /** Feeds {@code bytes} cut at {@code cuts} (sorted, within bounds), ends, and returns the log. */
  static Result run(byte[] bytes, int... cuts) {
    Recorder recorder = new Recorder();
    SseParser parser = SseParser.create(recorder);
    int from = 0;
    for (int cut : cuts) {
      parser.feed(bytes, from, cut - from);
      from = cut;
    }
    parser.feed(bytes, from, bytes.length - from);
    parser.end();
    return new Result(recorder.log, parser.lastEventId(), parser.reconnectionTime().orElse(null));
  }

  /** Feeds {@code bytes} one byte at a time. */
  static Result runBytewise(byte[] bytes) {
    int[] cuts = new int[Math.max(0, bytes.length - 1)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    return run(bytes, cuts);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** What a parser reported for a whole stream. */
  static final class Result {
    final List<Object> log;
    final String lastEventId;
    final Duration reconnectionTime;

    Result(List<Object> log, String lastEventId, Duration reconnectionTime) {
      this.log = log;
      this.lastEventId = lastEventId;
      this.reconnectionTime = reconnectionTime;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result && log.equals(((Result) o).log)
          && lastEventId.equals(((Result) o).lastEventId)
          && Objects.equals(reconnectionTime, ((Result) o).reconnectionTime);
    }

    @Override
    public int hashCode() {
      return Objects.hash(log, lastEventId, reconnectionTime);
    }

    @Override
    public String toString() {
      return "Result{log=" + log + ", lastEventId=" + lastEventId + ", retry=" + reconnectionTime + '}';
    }
  }
}
