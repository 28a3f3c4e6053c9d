package dev.tidemark.sync.realtime;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tidemark.sync.entity.SyncedEntity;
import io.smallrye.mutiny.Multi;

/**
 * What the subscription method of an app's API class returns ({@code return hub.subscribe(User.class,
 * where);}): the method only declares the field (its name, where type and description). The field
 * is answered by the realtime layer ({@code hub.SubscriptionFields}), which hands the table, the
 * where and the client's connection to the subscription hub; the method itself is never run.
 */
@ApplicationScoped
public class TableChanges {

    /** The declared stream of {@code type}'s changes in {@code where}; never subscribed to (see the class comment). */
    public <T extends SyncedEntity> Multi<ChangeEvent<T>> subscribe(Class<T> type, Object where) {
        return Multi.createFrom().failure(new IllegalStateException("the subscription field of " + type.getSimpleName()
                + " is served by the realtime layer, not by its declaring method"));
    }
}
