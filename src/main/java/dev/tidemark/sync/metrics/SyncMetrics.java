package dev.tidemark.sync.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.tidemark.sync.write.SyncReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The metrics an operator needs, exported at {@code /q/metrics} (Prometheus names in brackets):
 * connected subscriptions and connections ({@code tidemark_realtime_subscriptions},
 * {@code tidemark_realtime_connections}), frames delivered ({@code tidemark_realtime_events_delivered_total}),
 * bytes waiting to be written to realtime sockets ({@code tidemark_realtime_queued_bytes}) and the
 * connections closed for reading too slowly ({@code tidemark_realtime_slow_consumers_closed_total}),
 * event lag ({@code tidemark_realtime_event_lag_seconds}), syncs and their duration
 * ({@code tidemark_sync_seconds}), conflicts and rejected changes by reason
 * ({@code tidemark_sync_conflicts_total}, {@code tidemark_sync_rejected_total}). The refusals of the request limits
 * are {@link LimitRefusals}'.
 */
@ApplicationScoped
public class SyncMetrics {

    /** Reasons that mean a concurrent server change won; the others are refusals. */
    private static final Set<SyncReason> CONFLICTS = Set.of(SyncReason.CONFLICT_LOST, SyncReason.ROW_DELETED);

    @Inject
    MeterRegistry registry;

    private Counter delivered;
    private Counter slowConsumersClosed;
    private Timer lag;
    private Timer syncs;
    private Timer failedSyncs;
    private final Map<SyncReason, Counter> rejections = new EnumMap<>(SyncReason.class);

    @PostConstruct
    void register() {
        delivered = Counter.builder("tidemark.realtime.events.delivered")
                .description("Subscription events written to client sockets (one per subscription per event)")
                .register(registry);
        slowConsumersClosed = Counter.builder("tidemark.realtime.slow.consumers.closed")
                .description("Realtime connections closed (1013) because more than "
                        + "tidemark.realtime.max-queued-bytes-per-connection waited to be written to them")
                .register(registry);
        lag = Timer.builder("tidemark.realtime.event.lag")
                .description("Per delivered batch: from the change-log write of its oldest change to the last frame written")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        syncs = syncTimer("ok");
        failedSyncs = syncTimer("error");
        for (SyncReason reason : SyncReason.values()) {
            rejections.put(reason, Counter.builder(CONFLICTS.contains(reason) ? "tidemark.sync.conflicts" : "tidemark.sync.rejected")
                    .description(CONFLICTS.contains(reason) ? "Client changes that lost to a concurrent server change"
                            : "Client changes refused")
                    .tag("reason", reason.name())
                    .register(registry));
        }
    }

    private Timer syncTimer(String outcome) {
        return Timer.builder("tidemark.sync")
                .description("sync mutations (engine time, deadlock retries included)")
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry);
    }

    /** Registers the gauges of the realtime hub (read at scrape time). */
    public void realtimeGauges(Supplier<Number> subscriptions, Supplier<Number> connections, Supplier<Number> queuedBytes) {
        Gauge.builder("tidemark.realtime.subscriptions", subscriptions).strongReference(true)
                .description("Active subscriptions on this instance").register(registry);
        Gauge.builder("tidemark.realtime.connections", connections).strongReference(true)
                .description("Open realtime WebSocket connections on this instance").register(registry);
        Gauge.builder("tidemark.realtime.queued", queuedBytes).strongReference(true).baseUnit("bytes")
                .description("Bytes waiting to be written to realtime sockets (queued while a socket is not writable, "
                        + "or in its buffer), all connections of this instance together").register(registry);
    }

    /** A realtime connection was closed because it read too slowly. */
    public void slowConsumerClosed() {
        slowConsumersClosed.increment();
    }

    public void delivered(int frames) {
        if (frames > 0) {
            delivered.increment(frames);
        }
    }

    /** A batch whose oldest change was written to the change log at {@code oldest} has been delivered. */
    public void batchDelivered(Instant oldest) {
        if (oldest != null) {
            Duration elapsed = Duration.between(oldest, Instant.now());
            lag.record(elapsed.isNegative() ? Duration.ZERO : elapsed); // clocks of the database and this host differ
        }
    }

    public long startSync() {
        return System.nanoTime();
    }

    public void syncEnded(long start, boolean ok) {
        (ok ? syncs : failedSyncs).record(Duration.ofNanos(System.nanoTime() - start));
    }

    public void rejected(SyncReason reason) {
        rejections.get(reason).increment();
    }
}
