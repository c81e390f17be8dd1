/**
 * Herald's HTTP server on Netty: {@link dev.herald.server.Routing routes} answered by
 * {@link dev.herald.server.Handler handlers}, static files, and server-sent event
 * {@link dev.herald.server.SseStream streams} with heartbeats, a per-stream byte bound and
 * {@link dev.herald.server.Channel broadcast channels}; {@link dev.herald.server.Filter filters}
 * around every routed request, such as {@link dev.herald.server.Cors CORS}.
 *
 * <p>Threading: network I/O runs on a few event loops; plain handlers, SSE handlers and stream
 * callbacks ({@code onClose}, {@code onWritable}) each run on bounded pools of their own, so one
 * kind that blocks cannot stall another (see {@link dev.herald.server.HeraldServer.Builder});
 * streams and channels may be used from any thread.
 */
package dev.herald.server;
