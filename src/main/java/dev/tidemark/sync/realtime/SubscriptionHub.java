package dev.tidemark.sync.realtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.auth.Caller;
import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.error.ShuttingDownException;
import dev.tidemark.sync.metrics.SyncMetrics;
import dev.tidemark.sync.policy.RowPolicies;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.WhereParser;
import io.smallrye.mutiny.Multi;

/**
 * The subscriptions of this instance, grouped by table and where ({@link ScopeGroup}), and the
 * delivery of each change-log batch to them.
 *
 * <p>Subscriptions arrive through {@link GraphQLWsEndpoint}, which executes the subscribe
 * document with SmallRye GraphQL (so it is parsed and validated against the schema, and its where
 * argument is coerced to the typed input) while a {@link Registration} is open on its thread: the
 * subscription method of the API class then calls {@link #subscribe}, which validates the where,
 * enforces the per-connection limit and creates the {@link Subscriber}. The returned stream is
 * never subscribed to: events reach the client as frames written by {@link #deliver}.
 *
 * <p>Delivery: each batch is matched once per group; each event is then serialised once per
 * distinct selection set ({@link Subscriber#renderKey}) by {@link EventRenderer}, and the same
 * JSON goes to every subscriber with that selection, whatever its where, wrapped in its own
 * {@code next} envelope.
 */
@ApplicationScoped
public class SubscriptionHub {

    /** WebSocket close code sent on shutdown: 1012 "Service Restart" — reconnect, possibly elsewhere. */
    public static final int CLOSE_SERVICE_RESTART = 1012;

    private static final Logger LOG = Logger.getLogger(SubscriptionHub.class);

    /** What the subscription method called on this thread is for: registering a subscriber or rendering one event. */
    private static final ThreadLocal<Registration> REGISTRATION = new ThreadLocal<>();

    @Inject
    SyncRegistry registry;

    @Inject
    WhereParser parser;

    @Inject
    TidemarkConfig config;

    @Inject
    EventRenderer renderer;

    @Inject
    SyncMetrics metrics;

    @Inject
    RowPolicies policies;

    @Inject
    Caller caller;

    private final Map<ScopeGroup.Key, ScopeGroup> groups = new ConcurrentHashMap<>();
    private final ScopeIndex index = new ScopeIndex();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    /** Serialises and writes the decided events, in batch order, while the tailer reads the next batch. */
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "tidemark-realtime-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closing;
    private volatile Supplier<String> cursor = () -> null;

    /**
     * Set on the thread that executes a subscription document, for the duration of the execution:
     * either a subscribe (a {@link Subscriber} is created for {@code connection}/{@code id}) or a
     * rendering of {@code event} (the method returns that one event).
     */
    static final class Registration {
        final ClientConnection connection;
        final String id;
        final JsonObject request;
        final String renderKey;
        final ChangeEvent<?> event;
        Subscriber created;

        private Registration(ClientConnection connection, String id, JsonObject request, String renderKey, ChangeEvent<?> event) {
            this.connection = connection;
            this.id = id;
            this.request = request;
            this.renderKey = renderKey;
            this.event = event;
        }

        static Registration subscribe(ClientConnection connection, String id, JsonObject request, String renderKey) {
            return new Registration(connection, id, request, renderKey, null);
        }

        static Registration render(ChangeEvent<?> event) {
            return new Registration(null, null, null, null, event);
        }
    }

    static void open(Registration registration) {
        REGISTRATION.set(registration);
    }

    static void closeRegistration() {
        REGISTRATION.remove();
    }

    /**
     * Called by the subscription method of an API class while {@link GraphQLWsEndpoint} executes a
     * subscribe document: validates the where and creates the subscriber (joined to its group by
     * {@link #join} as its READY is queued). The stream returned is a placeholder, never subscribed.
     * While an event is rendered, returns that event.
     */
    public <T extends SyncedEntity> Multi<ChangeEvent<T>> subscribe(Class<T> type, Object where) {
        Registration registration = REGISTRATION.get();
        if (registration != null && registration.event != null) {
            @SuppressWarnings("unchecked")
            ChangeEvent<T> event = (ChangeEvent<T>) registration.event;
            return Multi.createFrom().item(event);
        }
        if (registration == null || registration.connection == null) {
            throw new IllegalStateException("subscriptions are served over WebSocket (graphql-transport-ws) at /graphql");
        }
        if (closing) {
            throw new ShuttingDownException("this server instance is shutting down; reconnect and subscribe again");
        }
        SyncTable table = registry.table(type);
        Condition condition = policies.restrict(table, parser.parse(table, where, "where"), caller.identity());
        ClientConnection connection = registration.connection;
        int max = config.realtime().maxSubscriptionsPerConnection();
        if (connection.subscriptions.incrementAndGet() > max) {
            connection.subscriptions.decrementAndGet();
            throw new LimitExceededException(null, "this connection already holds " + max
                    + " subscriptions (tidemark.realtime.max-subscriptions-per-connection); complete one first "
                    + "or open another connection");
        }
        registration.created = new Subscriber(connection, registration.id, registration.request, registration.renderKey,
                new ScopeGroup.Key(table, condition), cursor.get());
        return Multi.createFrom().empty();
    }

    /** Adds a subscriber to its group (its READY is queued right after): from now on it gets every batch. */
    void join(Subscriber subscriber) {
        groups.compute(subscriber.groupKey, (k, group) -> {
            ScopeGroup target = group;
            if (target == null) {
                target = new ScopeGroup(k);
                index.add(target);
            }
            target.subscribers.add(subscriber);
            return target;
        });
    }

    /** Ends a subscription (completed by the client, its connection closed, or fallen behind); idempotent. */
    void remove(Subscriber subscriber) {
        if (!subscriber.terminate()) {
            return;
        }
        subscriber.connection.subscriptions.decrementAndGet();
        groups.computeIfPresent(subscriber.groupKey, (k, group) -> {
            group.subscribers.remove(subscriber);
            if (group.subscribers.isEmpty()) {
                index.remove(group);
                return null;
            }
            return group;
        });
    }

    /**
     * Delivers one batch: each group it may concern is evaluated once, here on the tailer thread in
     * the batch's snapshot; then, on the delivery thread, each of its events is serialised once per
     * selection set (shared across groups) and written to every member. The tailer goes on reading
     * while the previous batch is written; one delivery thread keeps every subscription's order.
     */
    void deliver(ChangeBatch batch) {
        List<Decided> decided = new ArrayList<>();
        for (Map.Entry<ScopeGroup, List<ChangedRow>> candidate : index.candidates(batch).entrySet()) {
            ScopeGroup group = candidate.getKey();
            if (group.subscribers.isEmpty() || !group.concerns(batch)) {
                continue;
            }
            List<ChangeEvent<?>> events = ScopeEvaluator.events(group, batch, candidate.getValue());
            if (!events.isEmpty()) {
                decided.add(new Decided(group, events));
            }
        }
        if (!decided.isEmpty()) {
            Instant oldest = batch.oldest;
            delivery.execute(() -> {
                write(decided);
                metrics.batchDelivered(oldest);
            });
        }
    }

    /** A change too large to send row by row (a bulk import): every subscription is told to sync its scope. */
    void resyncAll(String cursor) {
        List<Decided> decided = new ArrayList<>();
        List<ChangeEvent<?>> resync = List.of(ChangeEvent.signal(ChangeOperation.RESYNC, cursor));
        groups.values().forEach(group -> decided.add(new Decided(group, resync)));
        delivery.execute(() -> write(decided));
    }

    /** The events one group gets from one batch. */
    private record Decided(ScopeGroup group, List<ChangeEvent<?>> events) {
    }

    private void write(List<Decided> decided) {
        Map<Rendered, String> rendered = new HashMap<>();
        int frames = 0;
        for (Decided d : decided) {
            for (ChangeEvent<?> event : d.events()) {
                for (Subscriber subscriber : d.group().subscribers) {
                    try {
                        if (send(subscriber, event, rendered)) {
                            frames++;
                        }
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "Could not deliver a %s event of %s to subscription %s", event.operation,
                                d.group().table().tableName(), subscriber.id);
                    }
                }
            }
        }
        metrics.delivered(frames);
    }

    /**
     * One serialised event: the selection set and identity it was rendered with (relation fields
     * show only what that identity may see) and what identifies the event within a batch.
     */
    private record Rendered(String renderKey, String identity, ChangeOperation operation, String uid, Long version,
            String cursor) {
    }

    private boolean send(Subscriber subscriber, ChangeEvent<?> event, Map<Rendered, String> cache) {
        Rendered key = new Rendered(subscriber.renderKey, subscriber.connection.identity.key(), event.operation, event.uid,
                event.version, event.cursor);
        String payload = cache.get(key);
        if (payload == null) {
            try {
                payload = renderer.render(subscriber, event);
            } catch (RuntimeException e) {
                // once per selection and event, not once per subscriber: they all get the error
                LOG.errorf(e, "Could not serialise a %s event for subscription %s", event.operation, subscriber.id);
                payload = "{\"errors\":" + GraphQLWsEndpoint.serverError() + "}";
            }
            cache.put(key, payload);
        }
        if (!subscriber.next(payload)) {
            remove(subscriber);
            return false;
        }
        return true;
    }

    void cursorSource(Supplier<String> source) {
        this.cursor = source;
    }

    void opened(ClientConnection connection) {
        connections.add(connection);
    }

    void closed(ClientConnection connection) {
        connections.remove(connection);
    }

    boolean isClosing() {
        return closing;
    }

    @PostConstruct
    void registerGauges() {
        metrics.realtimeGauges(() -> size()[1], connections::size, this::queuedBytes);
    }

    /** Bytes waiting to be written to the sockets of this instance, all connections together. */
    public long queuedBytes() {
        long bytes = 0;
        for (ClientConnection connection : connections) {
            bytes += connection.queuedBytes();
        }
        return bytes;
    }

    @PreDestroy
    void stopDelivery() {
        delivery.shutdown();
    }

    /** True when this instance has no subscription at all, so a batch of changes concerns nobody here. */
    boolean idle() {
        return groups.isEmpty();
    }

    /** Number of distinct scopes (groups) and of subscriptions, for logs and tests. */
    public int[] size() {
        int subscriptions = groups.values().stream().mapToInt(g -> g.subscribers.size()).sum();
        return new int[] { groups.size(), subscriptions };
    }

    /**
     * Stops accepting subscriptions and connections, and closes every client connection with
     * {@link #CLOSE_SERVICE_RESTART}, so clients reconnect (through the load balancer, elsewhere).
     */
    public synchronized void shutdown() {
        if (closing) {
            return;
        }
        closing = true;
        LOG.infof("Closing %d realtime connection(s) with code %d", connections.size(), CLOSE_SERVICE_RESTART);
        for (ClientConnection connection : connections) {
            connection.close(CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
        }
    }
}
