package dev.tidemark.sync.realtime.hub;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.changelog.ChangeBatch;
import dev.tidemark.sync.realtime.changelog.ChangedRow;

/**
 * The hub with one fault: deciding the events of a scope whose where mentions {@link #POISON}
 * throws, as a bug in matching one unusual where would. Enabled only by
 * {@link PoisonedSubscriptionTest}'s profile (an alternative without a priority is off elsewhere).
 */
@Alternative
@ApplicationScoped
public class PoisoningHub extends SubscriptionHub {

    static final String POISON = "poisoned-scope";

    @Override
    List<ChangeEvent<?>> decide(ScopeGroup group, ChangeBatch batch, List<ChangedRow> rows) {
        if (group.condition().toString().contains(POISON)) {
            throw new IllegalStateException("a scope that cannot be decided");
        }
        return super.decide(group, batch, rows);
    }
}
