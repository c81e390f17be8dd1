package dev.herald.client;

import static dev.herald.client.TestServer.sse;
import static dev.herald.client.TestServer.sseOpen;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No failure on the connect path leaves a source silently stuck in {@code CONNECTING}: whatever
 * throws while building or sending a request, or scheduling its timeout or the reconnect, reaches
 * the listener as {@code onError(…, false)} followed by {@code onClosed}.
 */
class ConnectFailureTest extends TestServerSupport {
  private final ManualTiming timing = new ManualTiming();

  @Test
  void anExceptionBuildingTheReconnectRequestClosesWithTheError() throws Exception {
    server.enqueue(sse("id: 1\ndata: a\n\n")).fallback(sseOpen("data: no\n\n"));
    Transport real = Transport.of(Shared.httpClient());
    AtomicInteger sends = new AtomicInteger();
    Transport failingSecond = (request, exchange) -> {
      if (sends.incrementAndGet() == 2) {
        throw new IllegalArgumentException("invalid header value: \"" + request.lastEventId + "\"");
      }
      return real.send(request, exchange);
    };
    source = EventSource.builder(server.uri()).timing(timing).transport(failingSecond).connect(recorder);
    assertThat(recorder.events(1)).hasSize(1);
    assertThat(recorder.nextError().willRetry()).isTrue();
    timing.nextReconnect().run();
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasMessageContaining(server.uri().toString()).hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("invalid header value: \"1\"");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
    assertThat(server.connections()).isEqualTo(1);
  }

  @Test
  void anExceptionBuildingTheFirstRequestClosesWithTheError() throws Exception {
    Transport failing = (request, exchange) -> {
      throw new IllegalStateException("cannot build");
    };
    source = EventSource.builder(server.uri()).timing(timing).transport(failing).connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasRootCauseMessage("cannot build");
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(timing.pendingTimeouts()).as("the connect timeout is cancelled").isZero();
  }

  @Test
  void aTimerRefusingTheReconnectClosesWithTheError() throws Exception {
    server.enqueue(sse("data: a\n\n")).fallback(sseOpen("data: no\n\n"));
    Timing refusing = new Delegating(timing) {
      @Override
      public Future<?> reconnect(Runnable task, long delayNanos) {
        throw new RejectedExecutionException("timer shut down");
      }
    };
    source = EventSource.builder(server.uri()).timing(refusing).connect(recorder);
    assertThat(recorder.events(1)).hasSize(1);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasMessageContaining("cannot schedule the reconnect").hasMessageContaining("ended")
        .hasRootCauseInstanceOf(RejectedExecutionException.class);
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
    assertThat(source.readyState()).isEqualTo(ReadyState.CLOSED);
  }

  @Test
  void aTimerRefusingTheTimeoutClosesWithTheError() throws Exception {
    server.fallback(sseOpen("data: no\n\n"));
    Timing refusing = new Delegating(timing) {
      @Override
      public Future<?> timeout(Runnable task, long delayNanos) {
        throw new RejectedExecutionException("timer shut down");
      }
    };
    source = EventSource.builder(server.uri()).timing(refusing).connect(recorder);
    Recorder.Error error = recorder.nextError();
    assertThat(error.willRetry()).isFalse();
    assertThat(error.error()).hasRootCauseInstanceOf(RejectedExecutionException.class);
    assertThat(recorder.next()).isEqualTo(Recorder.CLOSED);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anExecutorRefusingWorkDoesNotStallTheSource(boolean rejected) throws Exception {
    server.enqueue(sse("id: 7\ndata: a\n\n"), sseOpen("data: b\n\n"));
    source = EventSource.builder(server.uri()).timing(timing).executor(task -> {
      throw rejected ? new RejectedExecutionException("pool shut down") : new IllegalStateException("broken executor");
    }).connect(recorder);
    assertThat(recorder.events(1)).hasSize(1);
    assertThat(recorder.nextError().willRetry()).isTrue();
    timing.nextReconnect().run();
    assertThat(recorder.events(1).get(0).data()).isEqualTo("b");
    assertThat(server.takeRequest().header("Last-Event-ID")).isNull();
    assertThat(server.takeRequest().header("Last-Event-ID")).isEqualTo("7");
  }

  /** A timing that forwards everything; tests override one method to fail. */
  private static class Delegating implements Timing {
    private final Timing delegate;

    Delegating(Timing delegate) {
      this.delegate = delegate;
    }

    @Override
    public long nanoTime() {
      return delegate.nanoTime();
    }

    @Override
    public Instant now() {
      return delegate.now();
    }

    @Override
    public Future<?> timeout(Runnable task, long delayNanos) {
      return delegate.timeout(task, delayNanos);
    }

    @Override
    public Future<?> reconnect(Runnable task, long delayNanos) {
      return delegate.reconnect(task, delayNanos);
    }
  }
}
