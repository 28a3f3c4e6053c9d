package dev.tidemark.sync.realtime.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import org.jboss.logging.Logger;

import dev.tidemark.sync.config.TidemarkConfig;
import dev.tidemark.sync.error.LimitExceededException;
import dev.tidemark.sync.error.ShuttingDownException;
import dev.tidemark.sync.policy.ScopeCompiler;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.ChangeOperation;
import dev.tidemark.sync.realtime.changelog.ChangeBatch;
import dev.tidemark.sync.realtime.changelog.ChangeListener;
import dev.tidemark.sync.realtime.changelog.ChangeLogTailer;
import dev.tidemark.sync.realtime.changelog.ChangedRow;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.Condition;

/**
 * The subscriptions of this instance, grouped by table and where ({@link ScopeGroup}), and the
 * decision of which events each change-log batch gives each group.
 *
 * <p>A subscription is registered by the protocol layer, which hands {@link #subscribe} the table,
 * the where and the {@link EventSink} (its connection) while the subscribe document executes; once
 * the execution succeeded it calls {@link #start}, which joins the subscriber to its group and
 * queues READY. Each batch is matched once per group here, on the tailer thread; the
 * {@link EventWriter} serialises and writes the events.
 */
@ApplicationScoped
public class SubscriptionHub implements ChangeListener {

    private static final Logger LOG = Logger.getLogger(SubscriptionHub.class);

    @Inject
    ScopeCompiler scopes;

    @Inject
    TidemarkConfig config;

    @Inject
    EventRenderer renderer;

    @Inject
    EventWriter writer;

    @Inject
    ChangeLogTailer tailer;

    private final Map<ScopeGroup.Key, ScopeGroup> groups = new ConcurrentHashMap<>();
    private final ScopeIndex index = new ScopeIndex();
    private volatile boolean closing;

    /**
     * Validates the where of a subscribe (restricted by the row policies of the sink's identity),
     * takes one of the sink's subscription slots and creates the subscriber, which gets no event
     * before {@link #start}.
     */
    public Subscriber subscribe(SyncTable table, Object where, EventSink sink, String id, JsonObject request) {
        if (closing) {
            throw new ShuttingDownException("this server instance is shutting down; reconnect and subscribe again");
        }
        Condition condition = scopes.compile(table, where, "where", sink.identity());
        int max = config.realtime().maxSubscriptionsPerConnection();
        if (!sink.takeSubscription(max)) {
            throw new LimitExceededException(null, "this connection already holds " + max
                    + " subscriptions (tidemark.realtime.max-subscriptions-per-connection); complete one first "
                    + "or open another connection");
        }
        return new Subscriber(sink, id, request, EventRenderer.renderKey(request), new ScopeGroup.Key(table, condition),
                tailer.cursor());
    }

    /**
     * Starts a subscription: READY is serialised, then the subscriber joins its group and READY is
     * queued. False if READY could not be serialised (the subscription is then removed).
     */
    public boolean start(Subscriber subscriber) {
        String ready;
        try {
            ready = renderer.render(subscriber, ChangeEvent.signal(ChangeOperation.READY, subscriber.readyCursor));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Serialising READY for subscribe %s failed", subscriber.id);
            remove(subscriber);
            return false;
        }
        // Joined before READY can reach the client, so a change it commits (or syncs past) once it has
        // READY is never decided without this subscriber; and READY is queued before any event, as
        // Subscriber#next waits for this block.
        synchronized (subscriber) {
            join(subscriber);
            subscriber.sink.send(subscriber.sink.nextPrefix(subscriber.id) + ready + "}");
        }
        return true;
    }

    private void join(Subscriber subscriber) {
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
    public void remove(Subscriber subscriber) {
        if (!subscriber.terminate()) {
            return;
        }
        subscriber.sink.releaseSubscription();
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
     * the batch's snapshot; the writer then serialises and writes the events while the tailer reads on.
     */
    @Override
    public void deliver(ChangeBatch batch) {
        List<EventWriter.Decided> decided = new ArrayList<>();
        for (Map.Entry<ScopeGroup, List<ChangedRow>> candidate : index.candidates(batch).entrySet()) {
            ScopeGroup group = candidate.getKey();
            if (group.subscribers.isEmpty() || !group.concerns(batch)) {
                continue;
            }
            List<ChangeEvent<?>> events;
            try {
                events = decide(group, batch, candidate.getValue());
            } catch (RuntimeException e) {
                if (Failures.rereadsBatch(e)) {
                    throw e; // not this scope's fault: the batch is read again once the database answers
                }
                // One scope that cannot be decided must not stall every subscriber of the instance
                // (the batch would be read again forever): its subscriptions end, the others get the batch.
                LOG.errorf(e, "Deciding the events of a scope of %s failed; its %d subscriptions are ended",
                        group.table().tableName(), group.subscribers.size());
                List<Subscriber> failed = List.copyOf(group.subscribers);
                failed.forEach(this::remove);
                writer.fail(failed);
                continue;
            }
            if (!events.isEmpty()) {
                decided.add(new EventWriter.Decided(group, events));
            }
        }
        if (!decided.isEmpty()) {
            writer.write(decided, batch.oldest, this::remove);
        }
    }

    /** The events of one group for one batch ({@code rows}: its candidate rows, null for all). */
    List<ChangeEvent<?>> decide(ScopeGroup group, ChangeBatch batch, List<ChangedRow> rows) {
        return ScopeEvaluator.events(group, batch, rows);
    }

    /** A change too large to send row by row (a bulk import): every subscription is told to sync its scope. */
    @Override
    public void resyncAll(String cursor) {
        List<EventWriter.Decided> decided = new ArrayList<>();
        List<ChangeEvent<?>> resync = List.of(ChangeEvent.signal(ChangeOperation.RESYNC, cursor));
        groups.values().forEach(group -> decided.add(new EventWriter.Decided(group, resync)));
        writer.write(decided, null, this::remove);
    }

    /** True when this instance has no subscription at all, so a batch of changes concerns nobody here. */
    @Override
    public boolean idle() {
        return groups.isEmpty();
    }

    /** Number of distinct scopes (groups) and of subscriptions, for logs and tests. */
    public int[] size() {
        int subscriptions = groups.values().stream().mapToInt(g -> g.subscribers.size()).sum();
        return new int[] { groups.size(), subscriptions };
    }

    /** Refuses every later subscribe (the instance is shutting down; its connections are being closed). */
    public void shutdown() {
        closing = true;
    }

    public boolean isClosing() {
        return closing;
    }
}
