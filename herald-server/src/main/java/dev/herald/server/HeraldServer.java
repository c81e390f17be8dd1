package dev.herald.server;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server on Netty (epoll when available, else NIO) serving a {@link Routing}: plain
 * routes, static files and server-sent event streams with heartbeats and a per-stream byte bound.
 * Plain handlers, SSE handlers and stream callbacks each run on a bounded thread pool of their
 * own (or handlers on an {@linkplain Builder#handlerExecutor executor you give}), never on the
 * network event loops, so a handler that blocks stalls neither the network nor the other kinds.
 *
 * <pre>{@code
 * try (HeraldServer server = HeraldServer.builder().port(0).routing(routing).build().start()) {
 *   System.out.println(server.uri());
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #start()} and {@link #close()} may be called from any thread; a server
 * starts once and cannot be restarted after it stopped.
 */
public final class HeraldServer implements AutoCloseable {
  /** The default bind address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The default port: 8080. */
  public static final int DEFAULT_PORT = 8080;
  /** The default time between heartbeat comments on a quiet stream: 15 s. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(15);
  /** The default per-stream bound on bytes waiting for a slow client: 1 MiB. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 1L << 20;
  /** The default bound on a request body: 1 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
  /**
   * The default time a plain (not event-stream) connection may wait for a complete request:
   * 30 s. See {@link Builder#requestTimeout(Duration)}.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /**
   * The default bound on the threads running plain handlers at once: 200, made when needed and
   * ended after 60 s idle. See {@link Builder#workerThreads(int)}.
   */
  public static final int DEFAULT_WORKER_THREADS = 200;
  /**
   * The default bound on the threads running SSE handlers at once: 256. See
   * {@link Builder#sseHandlerThreads(int)}.
   */
  public static final int DEFAULT_SSE_HANDLER_THREADS = 256;
  /**
   * The default time {@link #close()} lets running handlers finish before it interrupts them: 2 s.
   * See {@link Builder#shutdownGrace(Duration)}.
   */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(2);
  /** The longest heartbeat interval, request timeout or shutdown grace accepted: one day. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(1);
  /** The default bound on a request's header fields (all of them together): 16 KiB. See {@link Builder#maxHeaderBytes(int)}. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  /** The smallest {@link Builder#maxHeaderBytes(int)} accepted: 1 KiB. */
  public static final int MIN_HEADER_BYTES = 1024;

  private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final RunningServer.Config config;

  private final Object lock = new Object();
  private State state = State.NEW; // guarded by lock
  private RunningServer running; // guarded by lock; set while RUNNING
  private volatile int boundPort;
  private volatile String threadPrefix = "";

  private enum State { NEW, RUNNING, STOPPED }

  private HeraldServer(Builder builder) {
    this.config = new RunningServer.Config(builder.host, builder.port, builder.routing, builder.heartbeatInterval,
        builder.maxBufferedBytes, builder.maxRequestBytes, builder.requestTimeout, builder.workerThreads,
        builder.sseHandlerThreads, Optional.ofNullable(builder.handlerExecutor), builder.shutdownGrace,
        builder.socketSendBuffer, builder.ticker, builder.json, builder.maxHeaderBytes, builder.onRefused);
    this.boundPort = builder.port;
  }

  /** A new builder with the defaults above and an empty routing. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the address and starts serving; returns this server. Throws
   * {@link HeraldServerException} naming {@code host:port} if the address cannot be bound, and
   * {@link IllegalStateException} if the server was already started.
   */
  public HeraldServer start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("server already " + (state == State.RUNNING ? "started" : "stopped"));
      }
      String name = "herald-" + SERVERS.incrementAndGet();
      threadPrefix = name + "-";
      try {
        running = RunningServer.start(name, config);
      } catch (HeraldServerException e) {
        state = State.STOPPED;
        throw e;
      }
      boundPort = running.port();
      state = State.RUNNING;
      log.info("Herald server listening on {} ({})", uri(), running.epoll() ? "epoll" : "nio");
      return this;
    }
  }

  /** The bound port once started (useful with port 0), else the configured port. */
  public int port() {
    return boundPort;
  }

  /** The host or address the server binds. */
  public String host() {
    return config.host();
  }

  /** {@code http://host:port/}. */
  public URI uri() {
    String host = config.host();
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return URI.create("http://" + h + ":" + port() + "/");
  }

  /**
   * Stops the server (the one way to: {@link #stop()} is an old name for it, and
   * try-with-resources calls it): frees the port, closes every event stream with {@link CloseReason#SHUTDOWN}
   * and ends all event-loop and worker threads, waiting a bounded time for them. Handlers still
   * running get the {@linkplain Builder#shutdownGrace(Duration) shutdown grace} (default 2 s) to
   * return, then are interrupted; handlers on a {@linkplain Builder#handlerExecutor given executor}
   * get the same grace but are never interrupted (the server does not own their threads), and
   * that executor is not shut down. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (state == State.STOPPED) {
        return;
      }
      boolean wasRunning = state == State.RUNNING;
      state = State.STOPPED;
      if (!wasRunning) {
        return;
      }
      running.stop();
      log.info("Herald server on port {} stopped", boundPort);
    }
  }

  /** The start of the name of every thread this server created ({@code herald-N-}); empty before start. */
  String threadPrefix() {
    return threadPrefix;
  }

  /**
   * Tests: runs one heartbeat sweep and one request-timeout sweep on every event loop now, at
   * the injected {@link Ticker}'s time, and waits for them. With a test ticker these are the only
   * sweeps: nothing is scheduled on the wall clock.
   */
  Sweeps.Result sweepNow() {
    return running().sweeps().runNow();
  }

  /** Tests: the plain connections that have received part of a request and wait for the rest. */
  int partialRequests() {
    return running().sweeps().partialRequests();
  }

  /** Tests: the plain connections in a lingering close (reading and dropping input after an error). */
  int lingering() {
    return running().sweeps().lingering();
  }

  /** Tests: the plain connections whose client half-closed, still open to answer its requests. */
  int halfClosed() {
    return running().sweeps().halfClosed();
  }

  /** Tests: the plain connections open (not yet event streams); a connection's close has been handled once it is not counted. */
  int plainConnections() {
    return running().sweeps().connections();
  }

  /** Tests: the SSE handlers waiting for a free SSE handler thread. */
  int sseHandlersWaiting() {
    return running().executors().sseWaiting();
  }

  /** The time between two heartbeat sweeps of one event loop. */
  Duration heartbeatSweepPeriod() {
    return Duration.ofNanos(running().streams().periodNanos());
  }

  private RunningServer running() {
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw new IllegalStateException("server not running");
      }
      return running;
    }
  }

  /**
   * The old name of {@link #close()}, which does exactly the same.
   *
   * @deprecated use {@link #close()} (or try-with-resources): one way to end a server, as for
   *     streams, channels and event sources
   */
  @Deprecated
  public void stop() {
    close();
  }

  @Override
  public String toString() {
    return "HeraldServer{" + uri() + "}";
  }

  /** Configures a {@link HeraldServer}; not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Routing routing = Routing.builder().build();
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int workerThreads = DEFAULT_WORKER_THREADS;
    private int sseHandlerThreads = DEFAULT_SSE_HANDLER_THREADS;
    private Executor handlerExecutor; // null: the server's own pools
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private int socketSendBuffer;
    private Ticker ticker = Ticker.SYSTEM;
    private JsonCodec json = JsonCodec.standard();
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private IntConsumer onRefused = status -> { };

    private Builder() {}

    /** The address to bind; default {@value HeraldServer#DEFAULT_HOST}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host == null");
      return this;
    }

    /** The port to bind, 0 for an ephemeral one; default {@value HeraldServer#DEFAULT_PORT}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** The routes to serve; default an empty routing (every request gets {@code 404}). */
    public Builder routing(Routing routing) {
      this.routing = Objects.requireNonNull(routing, "routing == null");
      return this;
    }

    /**
     * The time between heartbeat comments on a quiet stream; default
     * {@link HeraldServer#DEFAULT_HEARTBEAT_INTERVAL}, {@link Duration#ZERO} disables them. A
     * stream that has written nothing for the interval gets a comment ({@code :}). One sweep per
     * event loop checks every tenth of the interval (at least every 10 ms, at most every 1 s), so
     * each heartbeat follows the stream's previous write (event or heartbeat) by the interval
     * give or take half that period, plus the event loop's scheduling delay: with the default
     * 15 s, 14.5–15.5 s (15 s on a quiet stream); with 2 s, 1.9–2.1 s (2 s on a quiet stream).
     */
    public Builder heartbeatInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      checkDuration("heartbeatInterval", interval);
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * The per-stream bound on bytes waiting for the client: a plain {@link SseStream#send} that
     * finds this many or more already waiting closes the stream as a slow consumer, while a paced
     * {@link SseStream#sendWhenWritable} waits for room; one event of any size is always accepted
     * (see {@link SseStream}). Half of it is the low-water mark of {@link SseStream#onWritable}
     * and {@link SseStream#awaitWritable}. Default {@link HeraldServer#DEFAULT_MAX_BUFFERED_BYTES} (1 MiB).
     */
    public Builder maxBufferedBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxBufferedBytes must be positive: " + bytes);
      }
      this.maxBufferedBytes = bytes;
      return this;
    }

    /**
     * The largest accepted request body in bytes; larger ones get {@code 413}. Default
     * {@link HeraldServer#DEFAULT_MAX_REQUEST_BYTES} (1 MiB); 0 accepts only empty bodies.
     */
    public Builder maxRequestBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("maxRequestBytes must not be negative: " + bytes);
      }
      this.maxRequestBytes = bytes;
      return this;
    }

    /**
     * How long a plain connection may wait for a complete request; default
     * {@link HeraldServer#DEFAULT_REQUEST_TIMEOUT}, {@link Duration#ZERO} disables it. The wait
     * starts when the connection opens and again each time a response has been written, and
     * covers the request's head and body (a slow upload counts too). A connection that runs out
     * of time is answered {@code 408 Request Timeout} and closed if part of a request had
     * arrived, or just closed if it was an idle keep-alive connection. Time spent in a handler or
     * writing its response never counts, and event-stream connections are exempt (heartbeats
     * keep them alive). Checked by one periodic sweep per event loop, so a connection may live
     * up to a tenth of the timeout (at least 10 ms, at most 1 s) longer. It also bounds a
     * lingering close: after an error that ends the connection, what the client still sends is
     * read and dropped for at most this long (and at most twice {@link #maxRequestBytes(int)},
     * at least 8 MiB), so that it can read the answer.
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout == null");
      checkDuration("requestTimeout", timeout);
      this.requestTimeout = timeout;
      return this;
    }

    /** Not negative, and at most {@link #MAX_INTERVAL} (a day), so timers can count it in nanoseconds. */
    private static void checkDuration(String option, Duration d) {
      if (d.isNegative() || d.compareTo(MAX_INTERVAL) > 0) {
        throw new IllegalArgumentException(option + " must be from 0 to " + MAX_INTERVAL + ": " + d);
      }
    }

    /**
     * The most threads running plain handlers (and static files, and a
     * {@linkplain Routing.Builder#routeAsync async handler} until it returns its stage) at once;
     * default {@link HeraldServer#DEFAULT_WORKER_THREADS} (200). A thread is made for a request
     * when none is free, until there are this many, and ends after 60 s without work, so an idle
     * server holds none and a few slow handlers never delay a quick one. A handler that blocks
     * holds one of them while it blocks; while all are busy, up to 10,000 requests
     * wait for one and further ones get {@code 503}. SSE handlers and {@code onClose}/{@code
     * onWritable} callbacks have threads of their own and never wait for these. Ignored when a
     * {@link #handlerExecutor(Executor)} is set.
     */
    public Builder workerThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("workerThreads must be positive: " + threads);
      }
      this.workerThreads = threads;
      return this;
    }

    /**
     * The most threads running SSE handlers at once; default
     * {@link HeraldServer#DEFAULT_SSE_HANDLER_THREADS} (256). An SSE handler commonly blocks for
     * its stream's whole life (a {@code send(); sleep()} loop), so these threads are apart from
     * the {@link #workerThreads(int)}: blocked SSE handlers never delay a plain request, nor the
     * other way round. A thread is made when a new stream finds none free, until there are this
     * many, and ends after 60 s without work. A handler that joins a {@link Channel} (or registers callbacks)
     * and returns holds one only briefly. While all are busy, up to 10,000 new streams wait for
     * one (their response head not sent yet) and further ones get {@code 503}. Ignored when a
     * {@link #handlerExecutor(Executor)} is set.
     */
    public Builder sseHandlerThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("sseHandlerThreads must be positive: " + threads);
      }
      this.sseHandlerThreads = threads;
      return this;
    }

    /**
     * Runs every plain and SSE handler on {@code executor} instead of the server's own
     * {@link #workerThreads(int)} and {@link #sseHandlerThreads(int)} pools (the default). On
     * Java 21, {@code Executors.newVirtualThreadPerTaskExecutor()} gives each handler a virtual
     * thread, so handlers may block freely. The executor must run each task on another thread
     * (the calling one is a network event loop), and a small bounded pool shared by blocking SSE
     * and plain handlers brings back the starvation the default pools avoid. A
     * {@code RejectedExecutionException} from it (or any other exception from its
     * {@code execute}) answers {@code 503}, as a full pool does. {@code onClose} and
     * {@code onWritable} callbacks still run on the server's own callback threads.
     *
     * <p>The caller owns the executor: {@link HeraldServer#close()} never shuts it down (do that
     * after {@code close()}). {@code close()} waits up to the {@link #shutdownGrace(Duration)} for
     * the handlers it gave the executor to return, but cannot interrupt them, since it does not
     * own their threads: a handler still running after the grace is logged and left running.
     */
    public Builder handlerExecutor(Executor executor) {
      this.handlerExecutor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /**
     * How long {@link HeraldServer#close()} lets handlers that are still running finish once the
     * streams are closed and the port is freed; default {@link HeraldServer#DEFAULT_SHUTDOWN_GRACE}
     * (2 s), at most a day. Handlers still running after it are interrupted (a handler blocked in
     * {@code sleep}, {@code await} or another interruptible wait gets an
     * {@link InterruptedException}) and get 2 s more; {@link Duration#ZERO} interrupts them at
     * once. {@code close()} returns once they have ended, or after those 2 s with a warning.
     * Handlers on a {@link #handlerExecutor(Executor)} get the same grace but are never
     * interrupted: {@code close()} returns after it, with a warning, if they still run.
     */
    public Builder shutdownGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace == null");
      checkDuration("shutdownGrace", grace);
      this.shutdownGrace = grace;
      return this;
    }

    /**
     * The JSON codec of {@link Request#bodyJson(Class)} and of every {@link Response#json(Object)}
     * this server sends (encoded when the response is written); default
     * {@link JsonCodec#standard()}. Its {@link JsonReadException} messages become {@code 400}
     * answers; the Javadoc of {@link JsonCodec} shows one on an {@code ObjectMapper} of your own.
     */
    public Builder json(JsonCodec codec) {
      this.json = Objects.requireNonNull(codec, "codec == null");
      return this;
    }

    /**
     * The largest request head's header fields, all of them together (names, values and line
     * ends; the request line has its own bound of 8 KiB, past which the answer is {@code 414}),
     * in bytes; default {@link HeraldServer#DEFAULT_MAX_HEADER_BYTES} (16 KiB), at least
     * {@link HeraldServer#MIN_HEADER_BYTES} (1 KiB). A request with more is answered
     * {@code 431 Request Header Fields Too Large} with a JSON message naming the limit, and the
     * connection is closed; no filter or handler sees it.
     */
    public Builder maxHeaderBytes(int bytes) {
      if (bytes < MIN_HEADER_BYTES) {
        throw new IllegalArgumentException("maxHeaderBytes must be at least " + MIN_HEADER_BYTES + ": " + bytes);
      }
      this.maxHeaderBytes = bytes;
      return this;
    }

    /**
     * Told the status of each request the server refuses itself, before any filter or handler
     * sees it: {@code 400} (malformed), {@code 408}, {@code 413}, {@code 414}, {@code 417},
     * {@code 429} (too many pipelined requests), {@code 431}, {@code 501}, {@code 505}; e.g. to
     * count them in metrics. Runs on the connection's event loop: it must be quick, never block,
     * and not throw (what it throws is logged and ignored). Default: nothing.
     */
    public Builder onRefused(IntConsumer listener) {
      this.onRefused = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** The kernel send buffer of each connection; 0 keeps the OS default (auto-tuned). For tests. */
    Builder socketSendBuffer(int bytes) {
      this.socketSendBuffer = bytes;
      return this;
    }

    /**
     * Tests: the time source of heartbeats and request timeouts. Any ticker but
     * {@link Ticker#SYSTEM} also turns off the scheduled sweeps: the test runs them with
     * {@link HeraldServer#sweepNow()}.
     */
    Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker == null");
      return this;
    }

    /** Builds a server that is not started yet. */
    public HeraldServer build() {
      return new HeraldServer(this);
    }
  }
}
