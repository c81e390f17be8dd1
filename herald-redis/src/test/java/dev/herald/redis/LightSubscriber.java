package dev.herald.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A light SSE subscriber for cluster tests, cheap enough to run a thousand: one thread and one
 * raw socket, HTTP/1.1 {@code GET} (chunked or not), the SSE fields it needs ({@code id},
 * {@code event}, {@code data}, comments as heartbeats). When the connection ends it reconnects,
 * sending {@code Last-Event-ID} with the last id it received, as a browser's EventSource does.
 * It records every event (id and data, {@code herald-gap} events apart), heartbeats and
 * connections. Thread-safe to read while it runs.
 */
final class LightSubscriber implements AutoCloseable {
  /** One received event. */
  record Event(String id, String data) {}

  /** A {@code herald-gap} event: its data, and how many events had been received before it. */
  record Gap(int afterEvents, String data) {}

  private final int port;
  private final String path;
  private final Thread thread;
  private final List<Event> events = new ArrayList<>(); // guarded by this
  private final List<Gap> gaps = new ArrayList<>(); // guarded by this
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile String lastId;
  private volatile boolean closed;
  private volatile Socket socket;

  /**
   * Subscribes at 127.0.0.1:{@code port} to {@code path} (e.g. {@code /events?topic=t}), first
   * with {@code Last-Event-ID: firstLastEventId} when that is not null.
   */
  LightSubscriber(int port, String path, String firstLastEventId, String name) {
    this.port = port;
    this.path = path;
    this.lastId = firstLastEventId;
    this.thread = new Thread(null, this::run, name, 256 * 1024);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!closed) {
      try (Socket s = new Socket()) {
        socket = s;
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        OutputStream out = s.getOutputStream();
        String id = lastId;
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n"
            + (id != null ? "Last-Event-ID: " + id + "\r\n" : "") + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
        String status = line(in);
        boolean chunked = false;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
          if (h.toLowerCase().startsWith("transfer-encoding:") && h.toLowerCase().contains("chunked")) {
            chunked = true;
          }
        }
        if (status == null || !status.startsWith("HTTP/1.1 200")) {
          pause(); // a node answering 502/503 while a peer dies: try again, as EventSource would
          continue;
        }
        connections.incrementAndGet();
        read(chunked ? new Dechunked(in) : in);
      } catch (IOException e) {
        // connection refused or reset: reconnect below
      }
      if (!closed) {
        pause();
      }
    }
  }

  private static void pause() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a reconnect delay, as EventSource's retry
  }

  private void read(InputStream in) throws IOException {
    String id = null;
    String event = null;
    StringBuilder data = null;
    for (String l = line(in); l != null; l = line(in)) {
      if (l.isEmpty()) {
        if (data != null) {
          dispatch(id, event, data.toString());
        }
        id = null;
        event = null;
        data = null;
      } else if (l.startsWith(":")) {
        heartbeats.incrementAndGet();
      } else {
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + (l.startsWith(": ", colon) ? 2 : 1));
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> { }
        }
      }
    }
  }

  private synchronized void dispatch(String id, String event, String data) {
    if ("herald-gap".equals(event)) {
      gaps.add(new Gap(events.size(), data));
      return;
    }
    events.add(new Event(id, data));
    if (id != null) {
      lastId = id;
    }
  }

  /** One line without its CR LF, null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return trimCr(b);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : trimCr(b);
  }

  private static String trimCr(ByteArrayOutputStream b) {
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** The body of a chunked response. */
  private static final class Dechunked extends InputStream {
    private final InputStream in;
    private long left;

    Dechunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (left == 0) {
        String size = line(in);
        while (size != null && size.isEmpty()) {
          size = line(in); // the CR LF after the previous chunk
        }
        if (size == null) {
          return -1;
        }
        int semi = size.indexOf(';');
        left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (left == 0) {
          return -1;
        }
      }
      int c = in.read();
      if (c >= 0) {
        left--;
      }
      return c;
    }
  }

  /** The events received so far, in order (without {@code herald-gap} events). */
  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** How many events were received. */
  synchronized int count() {
    return events.size();
  }

  /** Whether an event with {@code data} was received. */
  synchronized boolean received(String data) {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).data().equals(data)) {
        return true;
      }
    }
    return false;
  }

  /** The {@code herald-gap} events received. */
  synchronized List<Gap> gaps() {
    return List.copyOf(gaps);
  }

  int heartbeats() {
    return heartbeats.get();
  }

  /** How many times a stream was opened (200), the first one included. */
  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    thread.join(5_000);
  }
}
