package dev.tidemark.sync.realtime.protocol;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;

/**
 * The frames waiting to be written to one WebSocket, bounded in bytes
 * ({@code tidemark.realtime.max-queued-bytes-per-connection}).
 *
 * <p>Frames come from any thread (the delivery thread, the workers that run subscribes, the event
 * loop); they are written in the order offered, on the connection's event loop, and only while the
 * socket is writable (Netty's high-water mark): a client that reads slower than changes arrive
 * leaves them here, on the heap, instead of in Netty's direct buffers. A frame counts from the moment
 * it is offered until the socket has handed it to the kernel. The first frame that would take the
 * count over the bound is refused (unless nothing else waits: one frame larger than the bound, a very
 * large row, still goes), the waiting frames are dropped, and {@code overflow} runs once: the
 * connection is then closed (the client reconnects, resubscribes and syncs).
 */
final class ConnectionOutbox {

    private final ServerWebSocket socket;
    private final Context context;
    private final long maxBytes;
    private final Runnable overflow;
    /** Frames offered and not yet handed to the socket, oldest first; guarded by {@code this}. */
    private final Deque<Frame> waiting = new ArrayDeque<>();
    /** Bytes of the waiting frames plus those handed to the socket and not yet written out. */
    private final AtomicLong queued = new AtomicLong();
    private boolean flushScheduled;
    private boolean overflowed;
    private boolean closed;

    ConnectionOutbox(ServerWebSocket socket, Context context, long maxBytes, Runnable overflow) {
        this.socket = socket;
        this.context = context;
        this.maxBytes = maxBytes;
        this.overflow = overflow;
        socket.drainHandler(v -> flush());
    }

    /** Queues a text frame; false if the connection is closed or has just gone over its bound. */
    boolean offer(String text) {
        Frame frame = new Frame(text, utf8Length(text));
        boolean schedule;
        boolean over;
        synchronized (this) {
            if (closed || overflowed) {
                return false;
            }
            long before = queued.get();
            over = before > 0 && before + frame.size > maxBytes; // a frame larger than the bound still goes alone
            if (over) {
                overflowed = true;
                drop();
                schedule = false;
            } else {
                queued.addAndGet(frame.size);
                waiting.addLast(frame);
                schedule = !flushScheduled;
                flushScheduled = true;
            }
        }
        if (over) {
            context.runOnContext(v -> overflow.run());
            return false;
        }
        if (schedule) {
            context.runOnContext(v -> flush());
        }
        return true;
    }

    /** Bytes waiting here or in the socket's buffer for this connection. */
    long queuedBytes() {
        return queued.get();
    }

    /** The socket is closing: no frame is written any more, and the waiting ones are forgotten. */
    synchronized void close() {
        closed = true;
        drop();
    }

    /**
     * On the event loop: writes the waiting frames while the socket is writable. When it is not,
     * {@code flushScheduled} stays set (offers schedule nothing more) and the drain handler resumes:
     * writability changes on this same event loop, so the drain cannot have happened in between.
     */
    private void flush() {
        while (true) {
            boolean writable = writable();
            Frame frame;
            synchronized (this) {
                if (closed || overflowed || waiting.isEmpty()) {
                    flushScheduled = false;
                    return;
                }
                if (!writable) {
                    return;
                }
                frame = waiting.pollFirst();
            }
            try {
                socket.writeTextMessage(frame.text, done -> queued.addAndGet(-frame.size));
            } catch (IllegalStateException e) {
                queued.addAndGet(-frame.size); // closed meanwhile; the close handler ends the connection
            }
        }
    }

    private boolean writable() {
        try {
            return !socket.isClosed() && !socket.writeQueueFull();
        } catch (IllegalStateException e) {
            return false; // closed between the two calls
        }
    }

    private void drop() {
        for (Frame frame : waiting) {
            queued.addAndGet(-frame.size);
        }
        waiting.clear();
    }

    /** A text frame and its size in bytes. */
    private record Frame(String text, long size) {
    }

    /** Bytes of {@code text} in UTF-8, as the frame carries it. */
    static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes++;
                } else if (Character.isHighSurrogate(c)) {
                    bytes += 2; // with its low surrogate: 4 bytes for 2 chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
