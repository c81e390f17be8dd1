package dev.herald.hub;

import dev.herald.server.Request;
import java.util.Optional;

/**
 * What {@code GET /.well-known/mercure} does differently from {@code GET /events} (both run
 * {@link SubscribeHandler}): where the resume point comes from and the {@code Last-Event-ID}
 * response header of the Mercure specification (draft-dunglas-mercure, "Reconnection, State
 * Reconciliation"). Stateless.
 */
final class MercureSubscribe {
  /** The query parameter Mercure subscribers pass their resume point in. */
  static final String LAST_EVENT_ID_PARAMETER = "lastEventID";

  private MercureSubscribe() {}

  /**
   * The resume point: the {@code Last-Event-ID} header, which takes precedence as the spec says,
   * else the {@code lastEventID} query parameter, else {@code Last-Event-ID} as a query parameter
   * (the name older drafts used); an empty value counts as absent.
   */
  static Optional<String> lastEventId(Request request) {
    Optional<String> header = request.header("Last-Event-ID").filter(s -> !s.isEmpty());
    if (header.isPresent()) {
      return header;
    }
    Optional<String> query = request.query(LAST_EVENT_ID_PARAMETER).filter(s -> !s.isEmpty());
    return query.isPresent() ? query : request.query("Last-Event-ID").filter(s -> !s.isEmpty());
  }

  /**
   * The {@code Cache-Control} response header for a request that carries the {@code authorization}
   * query parameter: {@code private, no-cache}, as the spec's "URI Query Parameter" section asks
   * of success responses to such requests (a shared cache must not keep a stream whose URL holds a
   * token); empty otherwise (the server's default {@code no-cache} stays).
   */
  static Optional<String> cacheControl(Request request) {
    return request.query(TokenSources.QUERY_PARAMETER).isPresent() ? Optional.of("private, no-cache") : Optional.empty();
  }

  /**
   * The {@code Last-Event-ID} response header, set when the request asked to resume: the id of
   * the event preceding the first one sent, that is the id the subscriber gave when the hub
   * resumes after it, else {@code earliest} — asked for, an id the hub does not know, or one
   * after which retention already removed events. A subscriber that compares it with the id it
   * sent so learns of a gap; Herald also sends its {@code herald-gap} event then.
   */
  static Optional<String> responseHeader(SubscribeHandler.Resume resume, HistoryStore store) {
    switch (resume.kind) {
      case LIVE:
        return Optional.empty();
      case AFTER:
        boolean known = resume.id <= store.lastId() && store.trimmedThrough() <= resume.id;
        return Optional.of(known ? resume.raw : "earliest");
      default:
        return Optional.of("earliest");
    }
  }
}
