package dev.herald.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens {@code N} idle event streams to one URL and holds them, to measure what an idle
 * subscriber costs the server (compare the server's RSS and heap before and while they are held).
 * One selector thread reads everything (headers, {@code retry:}, heartbeats); a stream counts as
 * open once its first body bytes arrived. Ends by itself after {@code holdSeconds}.
 *
 * <pre>java -cp herald-bench/target/benchmarks.jar dev.herald.bench.IdleStreams URL N holdSeconds</pre>
 */
public final class IdleStreams {
  private IdleStreams() {}

  /** {@code URL N holdSeconds}: e.g. {@code http://127.0.0.1:8080/events?topic=idle 10000 60}. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 3) {
      System.err.println("usage: IdleStreams URL N holdSeconds");
      System.exit(2);
    }
    URI url = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    long holdMillis = Long.parseLong(args[2]) * 1000;
    byte[] request = ("GET " + url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
        + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort() + "\r\nAccept: text/event-stream\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
    List<SocketChannel> channels = new ArrayList<>(n);
    Selector selector = Selector.open();
    long start = System.nanoTime();
    int open = 0;
    ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
    try {
      for (int i = 0; i < n; i++) {
        SocketChannel ch = SocketChannel.open(address);
        ch.write(ByteBuffer.wrap(request));
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, new boolean[1]);
        channels.add(ch);
        if (i % 500 == 499) {
          open += drain(selector, buf, 0);
        }
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (open < n && System.currentTimeMillis() < deadline) {
        open += drain(selector, buf, 100);
      }
      System.out.printf("open %d/%d streams in %.1f s; holding for %d s%n", open, n,
          (System.nanoTime() - start) / 1e9, holdMillis / 1000);
      System.out.flush();
      long end = System.currentTimeMillis() + holdMillis;
      while (System.currentTimeMillis() < end) {
        drain(selector, buf, 200);
      }
      int alive = 0;
      for (SocketChannel ch : channels) {
        if (ch.isOpen()) {
          alive++;
        }
      }
      System.out.printf("still open after holding: %d/%d%n", alive, n);
    } finally {
      for (SocketChannel ch : channels) {
        ch.close();
      }
      selector.close();
    }
  }

  /** Reads whatever is ready; returns how many streams got their first bytes in this call. */
  private static int drain(Selector selector, ByteBuffer buf, long timeoutMillis) throws IOException {
    int newlyOpen = 0;
    if (selector.select(timeoutMillis) == 0) {
      return 0;
    }
    for (SelectionKey key : selector.selectedKeys()) {
      SocketChannel ch = (SocketChannel) key.channel();
      buf.clear();
      int read = ch.read(buf);
      boolean[] seen = (boolean[]) key.attachment();
      if (read < 0) {
        key.cancel();
        ch.close();
      } else if (read > 0 && !seen[0]) {
        seen[0] = true;
        newlyOpen++;
      }
    }
    selector.selectedKeys().clear();
    return newlyOpen;
  }
}
