package dev.herald.hub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The hub's meters in a Micrometer Prometheus registry, one registry per hub, scraped by
 * {@code GET /metrics}. Prometheus names: gauges {@code herald_connections},
 * {@code herald_subscriptions}; counters {@code herald_events_published_total},
 * {@code herald_deliveries_total} (live sends), {@code herald_replayed_events_total} (history
 * sends), {@code herald_gaps_total}, {@code herald_slow_consumer_closes_total}; timers with
 * percentile histograms {@code herald_publish_latency_seconds} (request read → ack) and
 * {@code herald_store_append_latency_seconds} (append → durable); {@code herald_limit_refusals_total}
 * with a {@code limit} tag per limit ({@link #LIMITS}: requests refused by it, no topic names).
 *
 * <p>No meter is tagged with a topic, selector, token subject or claim: {@code /metrics} tells
 * nothing about which topics exist or who reads them (topic names can be private).
 *
 * <p>Threading: thread-safe; every method may be called from any thread.
 */
final class HubMetrics {
  /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter published;
  private final Counter deliveries;
  private final Counter replayed;
  private final Counter gaps;
  private final Counter slowCloses;
  private final Counter expiryCloses;
  private final Timer publishLatency;
  private final Timer appendLatency;
  /** The {@code limit} tags of {@code herald_limit_refusals_total}: the options naming the limits. */
  static final List<String> LIMITS = List.of("max-connections", "max-connections-per-address", "publish-rate",
      "max-header-bytes");
  private final Map<String, Counter> refusals = new HashMap<>();

  /** Meters for a hub whose broker size is {@code subscriptions}. */
  HubMetrics(IntSupplier subscriptions) {
    Gauge.builder("herald.connections", connections, AtomicInteger::get)
        .description("Open event streams").register(registry);
    // strongReference: Micrometer holds a gauge's object weakly, and nothing else holds this supplier
    Gauge.builder("herald.subscriptions", subscriptions, s -> s.getAsInt()).strongReference(true)
        .description("Subscriptions registered in the broker").register(registry);
    published = Counter.builder("herald.events.published").description("Events stored and fanned out").register(registry);
    deliveries = Counter.builder("herald.deliveries").description("Live events queued to subscribers").register(registry);
    replayed = Counter.builder("herald.replayed.events").description("History events queued to resuming subscribers").register(registry);
    gaps = Counter.builder("herald.gaps").description("herald-gap events sent (resume point not fully available)").register(registry);
    slowCloses = Counter.builder("herald.slow.consumer.closes").description("Streams closed because the client read too slowly").register(registry);
    expiryCloses = Counter.builder("herald.token.expiry.closes").description("Streams closed because the subscriber's token expired")
        .register(registry);
    publishLatency = Timer.builder("herald.publish.latency").description("From a publish request to its durable ack")
        .publishPercentileHistogram().register(registry);
    appendLatency = Timer.builder("herald.store.append.latency").description("From a store append to its durable completion")
        .publishPercentileHistogram().register(registry);
    for (String limit : LIMITS) {
      refusals.put(limit, Counter.builder("herald.limit.refusals").tag("limit", limit)
          .description("Requests refused by a limit (the tag names its option)").register(registry));
    }
  }

  /** A request was refused by {@code limit}, one of {@link #LIMITS}. */
  void refused(String limit) {
    Counter c = refusals.get(limit);
    if (c == null) {
      throw new IllegalArgumentException("unknown limit " + limit);
    }
    c.increment();
  }

  /** How many requests {@code limit} refused (tests). */
  long refusals(String limit) {
    return (long) refusals.get(limit).count();
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  int connections() {
    return connections.get();
  }

  void published(int events) {
    published.increment(events);
  }

  void delivered() {
    deliveries.increment();
  }

  void replayed() {
    replayed.increment();
  }

  void gap() {
    gaps.increment();
  }

  void slowConsumerClosed() {
    slowCloses.increment();
  }

  void tokenExpired() {
    expiryCloses.increment();
  }

  void publishLatency(long nanos) {
    publishLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void storeAppendLatency(long nanos) {
    appendLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The registry in Prometheus text format. */
  String scrape() {
    return registry.scrape();
  }

  /** Releases the registry. */
  void close() {
    registry.close();
  }
}
