package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.core.SseEvent;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream's pacing API ({@link SseStream#isWritable}, {@link SseStream#onWritable},
 * {@link SseStream#bufferedBytes}) and the bound's meaning (one whole event always; the bound
 * limits what queues behind it), over real sockets.
 */
class WritabilityTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final long BOUND = 16 * 1024;
  private static final int EVENTS = 4000;
  private static final String PAYLOAD = "p".repeat(500);
  private static final Pattern ID = Pattern.compile("id: (\\d+)\n");

  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
  private final ExecutorService producers = Executors.newSingleThreadExecutor();
  private final AtomicInteger parks = new AtomicInteger();
  private final AtomicInteger wakeUps = new AtomicInteger();
  private final CountDownLatch parked = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicReference<Throwable> producerFailure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private HeraldServer server;

  @BeforeEach
  void start() {
    Routing routing = Routing.builder()
        .sse("/paced", (req, stream) -> {
          opened.add(stream);
          producers.execute(new Producer(stream));
        })
        .sse("/manual", (req, stream) -> opened.add(stream))
        .build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(Duration.ZERO)
        .maxBufferedBytes(BOUND).socketSendBuffer(8 * 1024).build().start();
  }

  @AfterEach
  void stop() {
    server.close();
    producers.shutdownNow();
    assertThat(producerFailure.get()).as("producer failure").isNull();
  }

  /** Sends ids 0..EVENTS-1 while writable, parks on onWritable otherwise, then closes. */
  private final class Producer implements Runnable {
    private final SseStream stream;
    private int next;

    Producer(SseStream stream) {
      this.stream = stream;
    }

    @Override
    public void run() {
      try {
        produce();
      } catch (Throwable t) {
        producerFailure.compareAndSet(null, t);
      }
    }

    private void produce() {
      while (next < EVENTS) {
        if (!stream.isWritable()) {
          parks.incrementAndGet();
          parked.countDown();
          stream.onWritable(() -> {
            wakeUps.incrementAndGet();
            producers.execute(this);
          });
          return;
        }
        if (!stream.send(SseEvent.builder().id(Integer.toString(next)).data(PAYLOAD).build())) {
          return;
        }
        next++;
      }
      stream.close();
    }
  }

  @Test
  void aPacedProducerNeverOverrunsASteadyReaderAndDeliversEverythingInOrder() throws Exception {
    try (RawClient client = RawClient.get(server.port(), "/paced")) {
      client.readHead(T);
      NettySseStream stream = (NettySseStream) opened.poll(5, TimeUnit.SECONDS);
      readAll(client);
      assertThat(client.awaitEof(T)).isTrue();
      assertThat(stream.peakBufferedBytes()).isLessThan(BOUND + PAYLOAD.length() + 64);
      assertThat(wakeUps.get()).as("each registration ran once").isEqualTo(parks.get());
    }
  }

  @Test
  void aStalledReaderParksTheProducerAtTheBoundAndReadingAgainResumesIt() throws Exception {
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/paced"));
      assertThat(parked.await(T.toSeconds(), TimeUnit.SECONDS)).as("producer parked").isTrue();
      NettySseStream stream = (NettySseStream) opened.poll(5, TimeUnit.SECONDS);
      assertThat(stream.isOpen()).isTrue();
      assertThat(stream.bufferedBytes()).isLessThan(BOUND + PAYLOAD.length() + 64);

      client.readHead(T);
      readAll(client);
      assertThat(client.awaitEof(T)).isTrue();
      assertThat(parks.get()).isPositive();
      assertThat(wakeUps.get()).as("each registration ran once").isEqualTo(parks.get());
    }
  }

  @Test
  void aParkedStreamThatDoesNotDrainByTheNextHeartbeatIsClosedAsSlow() throws Exception {
    server.close();
    server = HeraldServer.builder().port(0).routing(Routing.builder()
            .sse("/paced", (req, stream) -> {
              opened.add(stream);
              producers.execute(new Producer(stream));
            }).build())
        .heartbeatInterval(Duration.ofMillis(200)).maxBufferedBytes(BOUND).socketSendBuffer(8 * 1024).build().start();
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/paced"));
      NettySseStream stream = (NettySseStream) opened.poll(5, TimeUnit.SECONDS);
      Recorder<CloseReason> reasons = new Recorder<>();
      stream.onClose(reasons);
      assertThat(parked.await(T.toSeconds(), TimeUnit.SECONDS)).as("producer parked").isTrue();
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SLOW_CONSUMER);
      assertThat(stream.peakBufferedBytes()).isLessThan(BOUND + PAYLOAD.length() + 64);
      assertThat(client.awaitEof(T)).isTrue();
    }
  }

  @Test
  void anEventLargerThanTheBoundIsDeliveredWhole() throws Exception {
    String big = "b".repeat((int) (10 * BOUND));
    try (RawClient client = RawClient.get(server.port(), "/manual")) {
      client.readHead(T);
      SseStream stream = opened.poll(5, TimeUnit.SECONDS);
      assertThat(stream.send(SseEvent.builder().id("1").data(big).build())).isTrue();
      String block = client.readUntil("\n\n", T);
      assertThat(block).contains("id: 1\n");
      assertThat(block.replaceAll("\r\n[0-9a-f]+\r\n", "")).contains("data: " + big + "\n\n");
      await().atMost(T).until(() -> stream.bufferedBytes() == 0);
      CountDownLatch woke = new CountDownLatch(1);
      stream.onWritable(woke::countDown);
      assertThat(woke.await(T.toSeconds(), TimeUnit.SECONDS)).as("already drained: runs at once").isTrue();
      assertThat(stream.send(SseEvent.builder().id("2").data("after").build())).isTrue();
      assertThat(client.readUntil("\n\n", T)).contains("id: 2\ndata: after\n");
      assertThat(stream.isOpen()).isTrue();
    }
  }

  @Test
  void whatQueuesBehindAnUndrainedEventBeyondTheBoundClosesTheStreamAsSlow() throws Exception {
    String big = "b".repeat((int) (10 * BOUND));
    try (RawClient client = RawClient.open(server.port(), s -> receiveBuffer(s, 4096))) {
      client.write(RawClient.request("GET", "/manual"));
      NettySseStream stream = (NettySseStream) opened.poll(5, TimeUnit.SECONDS);
      Recorder<CloseReason> reasons = new Recorder<>();
      stream.onClose(reasons);
      assertThat(stream.send(SseEvent.builder().id("1").data(big).build())).as("one whole event").isTrue();
      // the stalled reader's kernel buffers hold far less than 10 bounds: the backlog stays full
      await().atMost(T).until(() -> stream.bufferedBytes() >= BOUND && !stream.isWritable());
      stream.onWritable(() -> {});
      assertThat(stream.writableWaiting()).isEqualTo(1);
      assertThat(stream.send("behind")).isFalse();
      assertThat(reasons.next(T)).isEqualTo(CloseReason.SLOW_CONSUMER);
      assertThat(stream.isWritable()).isFalse();
      assertThat(stream.writableWaiting()).as("dropped at close").isZero();
      stream.onWritable(() -> {});
      assertThat(stream.writableWaiting()).as("ignored once closed").isZero();
      assertThat(client.awaitEof(T)).isTrue();
    }
  }

  private static void readAll(RawClient client) throws Exception {
    int expected = 0;
    while (expected < EVENTS) {
      Matcher m = ID.matcher(client.readUntil("\n\n", T));
      if (m.find()) {
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(expected);
        expected++;
      }
    }
  }

  private static void receiveBuffer(Socket socket, int size) {
    try {
      socket.setReceiveBufferSize(size);
    } catch (SocketException e) {
      throw new IllegalStateException(e);
    }
  }
}
