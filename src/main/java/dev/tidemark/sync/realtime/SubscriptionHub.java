package dev.tidemark.sync.realtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.error.ShuttingDownException;
import dev.tidemark.sync.schema.SyncRegistry;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;
import dev.tidemark.sync.where.WhereParser;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Multi;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;

/**
 * The subscriptions of this instance, grouped by table and where ({@link ScopeGroup}), and the
 * delivery of each change-log batch to them. Subscribing validates the where at once (an invalid
 * one fails that subscription only) and enforces the per-connection limit.
 */
@ApplicationScoped
public class SubscriptionHub {

    /** WebSocket close code sent on shutdown: 1012 "Service Restart" — reconnect, possibly elsewhere. */
    public static final int CLOSE_SERVICE_RESTART = 1012;

    private static final Logger LOG = Logger.getLogger(SubscriptionHub.class);

    @Inject
    SyncRegistry registry;

    @Inject
    WhereParser parser;

    @Inject
    TidemarkConfig config;

    @Inject
    CurrentVertxRequest currentRequest;

    private final Map<ScopeGroup.Key, ScopeGroup> groups = new ConcurrentHashMap<>();
    private final ScopeIndex index = new ScopeIndex();
    private final Map<HttpConnection, ClientConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile Supplier<String> cursor = () -> null;

    /**
     * A stream of the changes of {@code type} rows matching {@code where}: first READY, then every
     * change committed after it, as decided by {@link ScopeEvaluator}.
     */
    public <T extends SyncedEntity> Multi<ChangeEvent<T>> subscribe(Class<T> type, Object where) {
        if (closing) {
            throw new ShuttingDownException("this server instance is shutting down; reconnect and subscribe again");
        }
        SyncTable table = registry.table(type);
        Condition condition = parser.parse(table, where, "where");
        ClientConnection connection = reserve();
        ScopeGroup.Key key = new ScopeGroup.Key(table, condition);
        Subscriber[] self = new Subscriber[1];
        Subscriber subscriber = new Subscriber(connection, config.realtime().subscriberBuffer(), () -> release(key, self[0]));
        self[0] = subscriber;
        subscriber.offer(ChangeEvent.signal(ChangeOperation.READY, cursor.get())); // before any change: the tailer only sees members
        groups.compute(key, (k, group) -> {
            ScopeGroup target = group;
            if (target == null) {
                target = new ScopeGroup(k);
                index.add(target);
            }
            target.subscribers.add(subscriber);
            return target;
        });
        @SuppressWarnings("unchecked")
        Multi<ChangeEvent<T>> typed = (Multi<ChangeEvent<T>>) (Multi<?>) subscriber.events();
        return typed;
    }

    /** Delivers one batch: each group it may concern is evaluated once, its events go to every member. */
    void deliver(ChangeBatch batch) {
        for (ScopeGroup group : index.candidates(batch)) {
            if (group.subscribers.isEmpty() || !group.concerns(batch)) {
                continue;
            }
            List<ChangeEvent<?>> events = ScopeEvaluator.events(group, batch);
            for (ChangeEvent<?> event : events) {
                for (Subscriber subscriber : group.subscribers) {
                    subscriber.offer(event);
                }
            }
        }
    }

    /** A change too large to send row by row (a bulk import): every subscription is told to sync its scope. */
    void resyncAll(String cursor) {
        ChangeEvent<?> resync = ChangeEvent.signal(ChangeOperation.RESYNC, cursor);
        for (ScopeGroup group : groups.values()) {
            group.subscribers.forEach(subscriber -> subscriber.offer(resync));
        }
    }

    void cursorSource(Supplier<String> source) {
        this.cursor = source;
    }

    /** Number of distinct scopes (groups) and of subscriptions, for logs and tests. */
    public int[] size() {
        int subscriptions = groups.values().stream().mapToInt(g -> g.subscribers.size()).sum();
        return new int[] { groups.size(), subscriptions };
    }

    /**
     * Stops accepting subscriptions, ends every stream and closes every client connection with
     * {@link #CLOSE_SERVICE_RESTART}, so clients reconnect (through the load balancer, elsewhere).
     */
    public synchronized void shutdown() {
        if (closing) {
            return;
        }
        closing = true;
        LOG.infof("Closing %d realtime connection(s) with code %d", connections.size(), CLOSE_SERVICE_RESTART);
        for (ClientConnection connection : connections.values()) {
            connection.close(CLOSE_SERVICE_RESTART, "server shutting down; reconnect");
        }
        for (ScopeGroup group : groups.values()) {
            group.subscribers.forEach(Subscriber::complete);
        }
    }

    private ClientConnection reserve() {
        HttpConnection http = currentConnection();
        if (http == null) {
            return null;
        }
        ClientConnection connection = connections.computeIfAbsent(http, c -> {
            c.closeHandler(v -> connections.remove(c));
            return new ClientConnection(c);
        });
        int max = config.realtime().maxSubscriptionsPerConnection();
        if (connection.subscriptions.incrementAndGet() > max) {
            connection.subscriptions.decrementAndGet();
            throw new LimitExceededException(null, "this connection already holds " + max
                    + " subscriptions (tidemark.realtime.max-subscriptions-per-connection); complete one first "
                    + "or open another connection");
        }
        return connection;
    }

    private void release(ScopeGroup.Key key, Subscriber subscriber) {
        if (subscriber.connection != null) {
            subscriber.connection.subscriptions.decrementAndGet();
        }
        groups.computeIfPresent(key, (k, group) -> {
            group.subscribers.remove(subscriber);
            if (group.subscribers.isEmpty()) {
                index.remove(group);
                return null;
            }
            return group;
        });
    }

    private HttpConnection currentConnection() {
        try {
            RoutingContext context = currentRequest.getCurrent();
            return context == null ? null : context.request().connection();
        } catch (ContextNotActiveException e) {
            return null;
        }
    }
}
