package dev.herald.examples;

import dev.herald.core.SseEvent;
import dev.herald.server.HttpException;
import dev.herald.server.Request;
import dev.herald.server.Routing;
import dev.herald.server.SseStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Scenario 5, named events ({@code GET /lyrics}): one word per interval as {@code event: custom}
 * with the word's index as id, then {@code event: done} and the end of the stream. The page reads
 * it with {@code addEventListener('custom', …)}; a reconnect resumes after the last word seen.
 */
final class LyricsExample {
  static final List<String> WORDS = List.of(
      "Every", "word", "you", "see", "here", "crossed", "the", "wire", "alone,",
      "named", "custom,", "one", "event", "at", "a", "time,", "and", "none", "was", "lost.");

  private final ScheduledExecutorService scheduler;
  private final Duration interval;

  LyricsExample(ScheduledExecutorService scheduler, Duration interval) {
    this.scheduler = scheduler;
    this.interval = interval;
  }

  void register(Routing.Builder routes) {
    routes.sse("/lyrics", this::stream);
  }

  private void stream(Request request, SseStream stream) {
    int resumeAt = stream.lastEventId().map(LyricsExample::nextIndex).orElse(0);
    if (resumeAt >= WORDS.size()) {
      throw new HttpException(204, "the song has ended");
    }
    Ticker.run(scheduler, interval, stream, resumeAt, i -> {
      if (i < WORDS.size()) {
        return stream.send(SseEvent.builder().id(Integer.toString(i)).event("custom").data(WORDS.get(i)).build());
      }
      stream.send(SseEvent.of("done", "the end"));
      return false;
    });
  }

  private static int nextIndex(String lastEventId) {
    try {
      return Math.max(0, Integer.parseInt(lastEventId.trim()) + 1);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
