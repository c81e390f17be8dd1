package dev.herald.hub;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the SQLite history through a small fixed pool of read-only connections (WAL lets them
 * run while the writer commits). Each {@link #readAfter} runs in one read transaction, so it sees
 * one consistent snapshot.
 *
 * <p>Strategy: exact selectors look up their topic in the {@code (topic, event_id)} index;
 * a wildcard or URI-template selector first lists the distinct topics under its literal prefix
 * (one index seek per topic, at most {@value #MAX_TOPICS_PER_SELECTOR}) and keeps those it matches. Each topic
 * yields at most {@code limit} ids; the union is sorted, cut to {@code limit} and loaded. With
 * {@code *}, {@code **} or too many topics it scans events by id instead and filters them.
 *
 * <p>Threading: thread-safe; a caller blocks while all connections are in use.
 */
final class SqliteReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqliteReader.class);
  static final int MAX_TOPICS_PER_SELECTOR = 1_000;
  private static final int SCAN_PAGE = 500;

  private final Path db;
  private final BlockingQueue<Connection> pool;
  private final List<Connection> all = new ArrayList<>();
  private volatile boolean closed;

  SqliteReader(Path db, int connections) throws SQLException {
    this.db = db;
    this.pool = new ArrayBlockingQueue<>(connections);
    try {
      for (int i = 0; i < connections; i++) {
        Connection c = SqliteSchema.openReader(db);
        all.add(c);
        pool.add(c);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  /** An operation on a borrowed connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in a read transaction on a pooled connection. */
  <T> T withConnection(Work<T> work) {
    Connection c = null;
    try {
      // poll, not take: close() keeps the connections it collects, so a reader racing it must
      // notice the store closed instead of waiting forever
      while (c == null) {
        if (closed) {
          throw new StoreUnavailableException("history store " + db + " is closed");
        }
        c = pool.poll(100, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for a connection to " + db, e);
    }
    try {
      c.setAutoCommit(false);
      try {
        return work.run(c);
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("cannot read history store " + db + ": " + e.getMessage(), e);
    } finally {
      pool.add(c);
    }
  }

  List<StoredEvent> readAfter(long afterId, List<TopicSelector> selectors, int limit) {
    if (limit <= 0 || selectors.isEmpty()) {
      return List.of();
    }
    return withConnection(c -> {
      Set<String> topics = new LinkedHashSet<>();
      for (TopicSelector s : selectors) {
        if (s.isExact()) {
          topics.add(s.text());
        } else if (s.kind() == TopicSelector.Kind.ALL || s.text().equals("**") || !addMatchingTopics(c, s, topics)) {
          return scan(c, afterId, selectors, limit);
        }
      }
      TreeSet<Long> ids = new TreeSet<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT event_id FROM event_topics WHERE topic = ? AND event_id > ? AND event_id < ? ORDER BY event_id LIMIT ?")) {
        for (String topic : topics) {
          p.setString(1, topic);
          p.setLong(2, afterId);
          p.setLong(3, ids.size() >= limit ? ids.last() : Long.MAX_VALUE);
          p.setInt(4, limit);
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getLong(1));
            }
          }
          while (ids.size() > limit) {
            ids.pollLast();
          }
        }
      }
      return SqliteSchema.eventsWithIds(c, new ArrayList<>(ids));
    });
  }

  /**
   * Adds the stored topics {@code s} matches to {@code topics}, walking the distinct topics under
   * its literal prefix; false if there are more than {@value #MAX_TOPICS_PER_SELECTOR}.
   */
  private static boolean addMatchingTopics(Connection c, TopicSelector s, Set<String> topics) throws SQLException {
    String prefix = s.literalPrefix();
    String upper = upperBound(prefix);
    if (s.matches(prefix)) {
      topics.add(prefix); // "topic > prefix" below skips the prefix itself (chat/ for chat/*)
    }
    String sql = "SELECT min(topic) FROM event_topics WHERE topic > ?" + (upper == null ? "" : " AND topic < ?");
    try (PreparedStatement p = c.prepareStatement(sql)) {
      String current = prefix;
      for (int seen = 0; ; seen++) {
        if (seen == MAX_TOPICS_PER_SELECTOR) {
          return false;
        }
        p.setString(1, current);
        if (upper != null) {
          p.setString(2, upper);
        }
        try (ResultSet rs = p.executeQuery()) {
          String next = rs.next() ? rs.getString(1) : null;
          if (next == null) {
            return true;
          }
          if (s.matches(next)) {
            topics.add(next);
          }
          current = next;
        }
      }
    }
  }

  /**
   * The least string above every string that starts with {@code prefix} (its last code point
   * plus one, so {@code chat0} for {@code chat/}), or null when there is none or it is empty.
   * SQLite compares text as UTF-8 bytes, whose order is code point order.
   */
  static String upperBound(String prefix) {
    if (prefix.isEmpty()) {
      return null;
    }
    int last = prefix.codePointBefore(prefix.length());
    int next = last + 1;
    if (next > Character.MAX_CODE_POINT || next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
      return null;
    }
    return prefix.substring(0, prefix.length() - Character.charCount(last)) + new String(Character.toChars(next));
  }

  /** Pages through events after {@code afterId} by id, keeping those the selectors match. */
  private static List<StoredEvent> scan(Connection c, long afterId, List<TopicSelector> selectors, int limit) throws SQLException {
    List<StoredEvent> out = new ArrayList<>();
    long after = afterId;
    while (out.size() < limit) {
      long last = SqliteSql.singleLong(c, "SELECT coalesce(max(id), 0) FROM (SELECT id FROM events WHERE id > ?"
          + " ORDER BY id LIMIT " + SCAN_PAGE + ")", after);
      if (last == 0) {
        break;
      }
      for (StoredEvent e : SqliteSchema.eventsBetween(c, after + 1, last)) {
        if (e.matchesAny(selectors)) {
          out.add(e);
          if (out.size() == limit) {
            break;
          }
        }
      }
      after = last;
    }
    return out;
  }

  /** The hub id of the retained event whose publisher-chosen id is {@code wireId} (the unique index). */
  OptionalLong positionOf(String wireId) {
    return withConnection(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT id FROM events WHERE wire_id = ?")) {
        p.setString(1, wireId);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
        }
      }
    });
  }

  /** A cheap query that touches the database file. */
  boolean ping() {
    try {
      return withConnection(c -> SqliteSql.singleLong(c, "SELECT count(*) FROM meta") >= 0);
    } catch (StoreUnavailableException e) {
      log.warn("history store {} is not ready: {}", db, e.getMessage());
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < all.size(); i++) {
      try {
        // wait for readers in flight to give their connection back
        if (pool.poll(10, TimeUnit.SECONDS) == null) {
          log.warn("a read of {} is still running at close", db);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        log.debug("closing a read connection to {} failed", db, e);
      }
    }
  }
}
