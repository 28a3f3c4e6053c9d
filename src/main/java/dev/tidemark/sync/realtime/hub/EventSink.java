package dev.tidemark.sync.realtime.hub;

import dev.tidemark.sync.auth.Identity;

/**
 * Where the hub writes the events of the subscriptions of one client (its WebSocket connection,
 * which implements this): the hub decides and serialises events, the sink frames and queues them.
 */
public interface EventSink {

    /** Who the client acts for: its subscriptions' scopes and events show what this identity may see. */
    Identity identity();

    /** The start of every data frame of operation {@code id}; the serialised payload and a closing brace follow. */
    String nextPrefix(String id);

    /** Queues one frame; false if the client is gone or over its bound (it is then being closed). */
    boolean send(String frame);

    /** Takes one of the client's {@code max} subscription slots; false if all are taken. */
    boolean takeSubscription(int max);

    /** Gives back a slot taken by {@link #takeSubscription}. */
    void releaseSubscription();

    /**
     * Ends operation {@code id} with an {@code error} message carrying {@code code} and
     * {@code message}: the server could not decide or serialise its events. The client may
     * subscribe again with the same id.
     */
    void fail(String id, String code, String message);
}
