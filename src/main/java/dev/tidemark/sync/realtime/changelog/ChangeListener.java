package dev.tidemark.sync.realtime.changelog;

/**
 * Who the {@link ChangeLogTailer} hands what it reads to (the subscription hub): the log knows
 * nothing of subscriptions, only that someone may want each batch.
 */
public interface ChangeListener {

    /** True when nobody listens on this instance, so the rows of a batch need not be loaded. */
    boolean idle();

    /** One batch of changes, in log order, read in one snapshot; called on the tailer thread. */
    void deliver(ChangeBatch batch);

    /** A change too large to send row by row (a bulk import) committed: every listener must sync again from {@code cursor}. */
    void resyncAll(String cursor);
}
