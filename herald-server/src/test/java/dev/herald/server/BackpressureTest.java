package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.SseEvent;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A reader that stalls is cut off at the byte bound without slowing anyone else. */
class BackpressureTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final long BOUND = 64 * 1024;
  /** Events sent ahead of what the good reader has read: 16 × ~1 KB, far below the bound. */
  private static final int WINDOW = 16;
  private static final Pattern ID = Pattern.compile("id: (\\d+)\n");

  @Test
  void stalledReaderIsClosedAsSlowConsumerWhileOthersKeepUp() throws Exception {
    BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
    Channel channel = Channel.create();
    Routing routing = Routing.builder()
        .sse("/events", (req, stream) -> {
          channel.join(stream);
          opened.add(stream);
        })
        .build();
    try (HeraldServer server = HeraldServer.builder().port(0).routing(routing)
            .heartbeatInterval(Duration.ZERO).maxBufferedBytes(BOUND).socketSendBuffer(32 * 1024).build().start();
        RawClient stalled = RawClient.open(server.port(), s -> setReceiveBuffer(s, 4096));
        RawClient good = RawClient.open(server.port())) {
      stalled.write(RawClient.request("GET", "/events"));
      stalled.readHead(T);
      NettySseStream slow = (NettySseStream) opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);
      Recorder<CloseReason> slowReasons = new Recorder<>();
      slow.onClose(slowReasons);

      good.write(RawClient.request("GET", "/events"));
      good.readHead(T);
      NettySseStream fast = (NettySseStream) opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);

      // the sender keeps at most WINDOW events ahead of the good reader, so the good stream
      // never nears the bound however slow the machine, while the stalled one fills up
      Semaphore ahead = new Semaphore(WINDOW);
      AtomicInteger lastSeen = new AtomicInteger(-1);
      AtomicReference<String> readerError = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            String block = good.readUntil("\n\n", T);
            Matcher m = ID.matcher(block);
            if (m.find()) {
              int id = Integer.parseInt(m.group(1));
              if (id != lastSeen.get() + 1) {
                readerError.set("gap: " + lastSeen.get() + " then " + id);
                return;
              }
              lastSeen.set(id);
              ahead.release();
            }
          }
        } catch (Throwable e) {
          if (!Thread.currentThread().isInterrupted()) {
            readerError.compareAndSet(null, e.toString());
          }
        }
      }, "good-reader");
      reader.start();

      String payload = "x".repeat(1000);
      int sent = 0;
      while (slow.isOpen()) {
        assertThat(ahead.tryAcquire(T.toMillis(), TimeUnit.MILLISECONDS))
            .as("the good reader reads (error %s, sent %d)", readerError.get(), sent).isTrue();
        channel.send(SseEvent.builder().id(Integer.toString(sent++)).data(payload).build());
        assertThat(sent).as("events sent before the stalled stream closed").isLessThan(100_000);
      }
      assertThat(slowReasons.next(T)).isEqualTo(CloseReason.SLOW_CONSUMER);
      assertThat(slow.peakBufferedBytes()).isLessThan(BOUND + 1100); // the bound plus one event
      await().atMost(T).until(() -> slow.bufferedBytes() == 0);

      // the healthy client keeps receiving every event, in order
      for (int i = 0; i < 200; i++) {
        assertThat(ahead.tryAcquire(T.toMillis(), TimeUnit.MILLISECONDS)).as("the good reader reads").isTrue();
        channel.send(SseEvent.builder().id(Integer.toString(sent++)).data(payload).build());
      }
      int last = sent - 1;
      await().atMost(T).until(() -> lastSeen.get() == last || readerError.get() != null);
      reader.interrupt();
      assertThat(readerError.get()).as("reader error; fast stream %s, last seen %d of %d, fast peak %d", fast, lastSeen.get(), sent, fast.peakBufferedBytes()).isNull();
      assertThat(fast.isOpen()).isTrue();
      assertThat(fast.peakBufferedBytes()).isLessThan(BOUND + 1100);
      assertThat(channel.size()).isEqualTo(1);
      assertThat(stalled.awaitEof(T)).as("the stalled client's connection is closed").isTrue();
    }
  }

  private static void setReceiveBuffer(java.net.Socket socket, int size) {
    try {
      socket.setReceiveBufferSize(size);
    } catch (java.net.SocketException e) {
      throw new IllegalStateException(e);
    }
  }
}
