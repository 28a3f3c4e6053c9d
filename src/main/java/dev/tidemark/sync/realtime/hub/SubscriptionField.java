package dev.tidemark.sync.realtime.hub;

import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.schema.SyncTable;

/**
 * What one execution of a table's subscription field (e.g. {@code userChanged(where:)}) is for,
 * put by its executor in the execution's GraphQL context under {@link #CONTEXT_KEY}: the field
 * ({@link SubscriptionFields}) reads it there instead of running the API method.
 */
public sealed interface SubscriptionField {

    String CONTEXT_KEY = "tidemark.subscription-field";

    /**
     * A client's subscribe: the field hands its table and its where argument (as coerced by
     * GraphQL) to {@link #subscribe}, which the protocol layer implements by registering the
     * subscription with the hub for its connection.
     */
    non-sealed interface Subscribe extends SubscriptionField {
        void subscribe(SyncTable table, Object where);
    }

    /** The serialisation of one event with a subscriber's selection set: the field answers this one event. */
    record Render(ChangeEvent<?> event) implements SubscriptionField {
    }
}
