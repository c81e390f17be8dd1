package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Heartbeat comments come from one sweep per event loop, at the configured interval, and can be
 * turned off. The clock is a {@link FakeTicker} and the test runs the sweeps, so no verdict
 * depends on how fast the machine is; one test checks that the scheduled sweeps run at all.
 */
class HeartbeatTest {
  private static final Duration T = Duration.ofSeconds(30);
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final String BEAT = ":\n\n";

  private final FakeTicker clock = new FakeTicker();
  private final BlockingQueue<SseStream> opened = new LinkedBlockingQueue<>();
  private HeraldServer server;

  private HeraldServer start(Duration interval, Ticker ticker) {
    Routing routing = Routing.builder().sse("/events", (req, stream) -> opened.add(stream)).build();
    server = HeraldServer.builder().port(0).routing(routing).heartbeatInterval(interval)
        .requestTimeout(Duration.ZERO).ticker(ticker).build().start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private SseStream nextStream() throws InterruptedException {
    SseStream s = opened.poll(T.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("stream opened").isNotNull();
    return s;
  }

  /** Opens a stream and reads its head: from then on the stream's last write is "now". */
  private RawClient openStream() throws Exception {
    RawClient c = RawClient.get(server.port(), "/events");
    assertThat(RawClient.status(c.readHead(T))).isEqualTo(200);
    return c;
  }

  @Test
  void quietStreamsGetACommentEachInterval() throws Exception {
    start(INTERVAL, clock);
    try (RawClient a = openStream(); RawClient b = openStream()) {
      for (int round = 0; round < 3; round++) {
        clock.advance(INTERVAL);
        assertThat(server.sweepNow().heartbeats()).as("round %d", round).isEqualTo(2);
        assertThat(a.readUntil(BEAT, T)).isEqualTo("3\r\n" + BEAT);
        assertThat(b.readUntil(BEAT, T)).isEqualTo("3\r\n" + BEAT);
        a.readUntil("\r\n", T);
        b.readUntil("\r\n", T);
      }
    }
  }

  /**
   * The sweeps tick at a fixed rate of their own period, as the scheduled ones do (tick k at
   * start + k periods, whatever the writes in between took), and each heartbeat must come one
   * interval after the previous one, not a period (or half an interval) later: with the old
   * "quiet for the whole interval, sweep every half interval" rule, the moment between a sweep
   * and its write made every heartbeat miss one sweep, so they came every 1.5 intervals.
   */
  @ParameterizedTest(name = "interval {0} ms")
  @ValueSource(longs = {15_000, 2_000, 250, 40})
  void heartbeatsComeAtTheConfiguredInterval(long intervalMillis) throws Exception {
    Duration interval = Duration.ofMillis(intervalMillis);
    start(interval, clock);
    try (RawClient c = openStream()) {
      long period = server.heartbeatSweepPeriod().toNanos();
      assertThat(period).isPositive().isLessThanOrEqualTo(interval.toNanos() / 4);
      long start = clock.peek() + period / 3; // any phase between the head's write and the ticks
      List<Long> beatTimes = new ArrayList<>();
      for (int tick = 1; beatTimes.size() < 5 && tick < 1000; tick++) {
        long at = start + tick * period;
        clock.advanceTo(at);
        int beats = server.sweepNow().heartbeats();
        assertThat(beats).isLessThanOrEqualTo(1);
        if (beats == 1) {
          beatTimes.add(at);
          c.readUntil(BEAT, T); // written, so stamped with the clock's time, before the next tick
        }
      }
      assertThat(beatTimes).hasSize(5);
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < beatTimes.size(); i++) {
        gaps.add(beatTimes.get(i) - beatTimes.get(i - 1));
      }
      for (long gap : gaps) {
        assertThat((double) gap).as("time between heartbeats, gaps %s", gaps)
            .isCloseTo(interval.toNanos(), within(period / 2.0 + 1_000));
      }
    }
  }

  @Test
  void noHeartbeatBeforeTheInterval() throws Exception {
    start(INTERVAL, clock);
    try (RawClient c = openStream()) {
      SseStream stream = nextStream();
      long period = server.heartbeatSweepPeriod().toNanos();
      clock.advance(INTERVAL.minusNanos(period));
      assertThat(server.sweepNow().heartbeats()).isZero();
      stream.send("marker");
      assertThat(c.readUntil("data: marker\n\n", T)).doesNotContain(BEAT);
    }
  }

  @Test
  void busyStreamsSkipTheHeartbeat() throws Exception {
    start(INTERVAL, clock);
    try (RawClient c = openStream()) {
      SseStream stream = nextStream();
      StringBuilder seen = new StringBuilder();
      Duration step = INTERVAL.multipliedBy(6).dividedBy(10);
      for (int i = 0; i < 5; i++) { // three intervals in all, never one without a write
        clock.advance(step);
        assertThat(server.sweepNow().heartbeats()).as("sweep %d", i).isZero();
        assertThat(stream.send("tick" + i)).isTrue();
        seen.append(c.readUntil("data: tick" + i + "\n\n", T));
      }
      stream.send("marker");
      seen.append(c.readUntil("data: marker\n\n", T));
      assertThat(seen.toString()).doesNotContain(BEAT);
    }
  }

  @Test
  void zeroIntervalDisablesHeartbeats() throws Exception {
    start(Duration.ZERO, clock);
    try (RawClient c = openStream()) {
      SseStream stream = nextStream();
      clock.advance(HeraldServer.MAX_INTERVAL);
      assertThat(server.sweepNow().heartbeats()).isZero();
      stream.send("marker");
      assertThat(c.readUntil("data: marker\n\n", T)).doesNotContain(BEAT);
    }
  }

  @Test
  void scheduledSweepsRunOnTheRealClock() throws Exception {
    start(Duration.ofMillis(50), Ticker.SYSTEM);
    try (RawClient c = openStream()) {
      assertThat(c.readUntil(BEAT, T)).endsWith(BEAT);
      assertThat(c.readUntil(BEAT, T)).endsWith(BEAT);
    }
  }
}
