package dev.herald.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * What one started {@link HeraldServer} runs on: its boss and I/O event-loop groups (epoll when
 * available, else NIO), the {@linkplain HandlerExecutors handler and callback threads}, the heartbeat and request-timeout sweeps and the bound
 * server channel with each connection's pipeline. Made by {@link #start} and ended by
 * {@link #stop}; every method is called by {@link HeraldServer} under its lock, from whichever
 * thread starts, stops or probes it.
 */
final class RunningServer {
  private static final long SHUTDOWN_WAIT_MILLIS = 5_000;

  /** A server's settings as its {@link HeraldServer.Builder} left them (validated there). */
  record Config(String host, int port, Routing routing, Duration heartbeatInterval, long maxBufferedBytes,
      int maxRequestBytes, Duration requestTimeout, int workerThreads, int sseHandlerThreads,
      Optional<Executor> handlerExecutor, Duration shutdownGrace, int socketSendBuffer, Ticker ticker,
      JsonCodec json, int maxHeaderBytes, IntConsumer onRefused) {}

  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup io;
  private final HandlerExecutors executors;
  private final Heartbeats streams;
  private final Duration shutdownGrace;
  /** Every open connection, closed by {@link #stop} itself rather than left to the event loops' end. */
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private io.netty.channel.Channel serverChannel;
  private Sweeps sweeps;
  private int port;

  private RunningServer(String name, Config config) {
    epoll = Epoll.isAvailable();
    int loops = Runtime.getRuntime().availableProcessors();
    ThreadFactory bossThreads = new DefaultThreadFactory(name + "-boss");
    ThreadFactory ioThreads = new DefaultThreadFactory(name + "-io");
    boss = epoll ? new EpollEventLoopGroup(1, bossThreads) : new NioEventLoopGroup(1, bossThreads);
    io = epoll ? new EpollEventLoopGroup(loops, ioThreads) : new NioEventLoopGroup(loops, ioThreads);
    executors = new HandlerExecutors(name, config.workerThreads(), config.sseHandlerThreads(), config.handlerExecutor());
    streams = new Heartbeats(io, config.heartbeatInterval(), config.ticker());
    shutdownGrace = config.shutdownGrace();
  }

  /**
   * Creates the threads of a server whose thread names start with {@code name}, binds
   * {@code config}'s address and, unless a test {@link Ticker} is injected, schedules the sweeps.
   * If the address cannot be bound, ends the threads again and throws
   * {@link HeraldServerException} naming {@code host:port}.
   */
  static RunningServer start(String name, Config config) {
    InetSocketAddress address = resolve(config.host(), config.port());
    RunningServer running = new RunningServer(name, config);
    running.bind(config, address);
    return running;
  }

  /** The address to bind; a host name that does not resolve throws before any thread starts. */
  private static InetSocketAddress resolve(String host, int port) {
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetSocketAddress address = new InetSocketAddress(literal, port);
    if (address.isUnresolved()) {
      throw new HeraldServerException("cannot resolve host '" + host + "': give an IP address or a name this"
          + " machine can resolve (" + HeraldServer.DEFAULT_HOST + " for loopback, 0.0.0.0 for every interface)");
    }
    return address;
  }

  /** The message of a failed bind of {@code host:port}: "already in use" when that is the cause. */
  static String bindFailure(String host, int port, Throwable cause) {
    String where = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    String detail = cause == null || cause.getMessage() == null ? String.valueOf(cause) : cause.getMessage();
    if (detail.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
      return "cannot bind " + where + ": address already in use (another server listens there; stop it or"
          + " choose another port, 0 for any free one)";
    }
    return "cannot bind " + where + ": " + detail;
  }

  private void bind(Config config, InetSocketAddress address) {
    Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    RequestTimeouts timeouts = new RequestTimeouts(io, config.requestTimeout(), config.ticker());
    ServerContext context = new ServerContext(new Router(config.routing()), executors, streams, timeouts,
        config.maxRequestBytes(), config.maxBufferedBytes(), config.ticker(), config.json(), config.maxHeaderBytes(), config.onRefused());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, io)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // a client's EOF: see HttpServerHandler
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch); // removed again when it closes
            HttpServerHandler handler = new HttpServerHandler(context);
            if (timeouts.enabled()) {
              ch.pipeline().addLast("bytes-seen", new RequestTimeouts.BytesSeen(handler));
            }
            ch.pipeline()
                .addLast("http", new HttpServerCodec(8192, config.maxHeaderBytes(), 65536))
                .addLast("herald", handler);
          }
        });
    if (config.socketSendBuffer() > 0) {
      bootstrap.childOption(ChannelOption.SO_SNDBUF, config.socketSendBuffer());
    }
    ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      shutdownResources();
      Throwable cause = bind.cause();
      throw new HeraldServerException(bindFailure(config.host(), config.port(), cause), cause);
    }
    serverChannel = bind.channel();
    port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    sweeps = new Sweeps(io, streams, timeouts);
    if (config.ticker() == Ticker.SYSTEM) {
      sweeps.schedule();
    }
  }

  /** Whether the event loops are epoll ones (else NIO). */
  boolean epoll() {
    return epoll;
  }

  /** The port bound. */
  int port() {
    return port;
  }

  /** The event streams and their heartbeat sweep. */
  Heartbeats streams() {
    return streams;
  }

  /** The handler and callback threads. */
  HandlerExecutors executors() {
    return executors;
  }

  /** Both sweeps, and the connection counts tests read. */
  Sweeps sweeps() {
    return sweeps;
  }

  /**
   * Frees the port, closes every event stream with {@link CloseReason#SHUTDOWN} and ends all
   * event-loop and handler threads, waiting a bounded time for them: running handlers get the
   * shutdown grace to return, then are interrupted and get 2 s more (handlers on a given
   * executor are waited for as long, never interrupted; see {@link HandlerExecutors#shutdown}).
   */
  void stop() {
    serverChannel.close().awaitUninterruptibly(SHUTDOWN_WAIT_MILLIS);
    streams.closeAll(CloseReason.SHUTDOWN, Duration.ofMillis(SHUTDOWN_WAIT_MILLIS));
    // close each connection here rather than leave it to the event loops' end: with Netty 4.2 a
    // connection whose request raced the stop could stay open, its client waiting for ever
    // (StopClosesConnectionsTest, HubLifecycleTest's publish racing stop)
    connections.close().awaitUninterruptibly(SHUTDOWN_WAIT_MILLIS);
    shutdownResources();
  }

  private void shutdownResources() {
    io.netty.util.concurrent.Future<?> a = io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    io.netty.util.concurrent.Future<?> b = boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    a.awaitUninterruptibly(SHUTDOWN_WAIT_MILLIS);
    b.awaitUninterruptibly(SHUTDOWN_WAIT_MILLIS);
    executors.shutdown(shutdownGrace);
  }
}
