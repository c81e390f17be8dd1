/**
 * Herald's client: a Java {@code EventSource} on {@code java.net.http} that parses
 * {@code text/event-stream} exactly as browsers do (with herald-core's parser), reconnects with
 * {@code Last-Event-ID}, honours {@code retry:}, and hands events to a listener
 * ({@link dev.herald.client.EventSource.Builder#connect}) or a blocking
 * {@link dev.herald.client.EventStream}; and {@link dev.herald.client.HubPublisher}, which
 * publishes to a Herald or Mercure hub with retries that never publish twice.
 */
package dev.herald.client;
