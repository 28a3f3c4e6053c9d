package dev.tidemark.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A raw TCP connection to the test server, from a loopback address of the test's choosing
 * (127.0.0.2, 127.0.0.3, ...: Linux routes all of 127/8 to the loopback interface, so each test
 * is a client address of its own), that sends exactly the bytes it is given, when it is told to:
 * the shapes of slow and silent clients no HTTP library would produce.
 */
public final class RawHttp implements AutoCloseable {

    /** What the server sent until it closed the connection, and when it closed it (nanoTime). */
    public record Ending(String received, long closedAtNanos) {
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code localAddress} to the server of {@code uri} (on 127.0.0.1). */
    public static RawHttp connect(String localAddress, URI uri) {
        return connect(localAddress, uri, 0);
    }

    /**
     * The same with a receive buffer of {@code receiveBufferBytes} (0: the system's): a client that
     * reads nothing then takes little of a large answer into its buffers, the rest waits on the server.
     */
    public static RawHttp connect(String localAddress, URI uri, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the window offered
            }
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", uri.getPort()), 10_000);
            socket.setSoTimeout(20_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text}; false if the server has already closed the connection. */
    public boolean send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads a response's status line and headers only, leaving its body unread; returns them. */
    public String readHead() {
        try {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("closed after " + head);
                }
                head.append((char) b);
            }
            return head.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response with a {@code Content-Length} (the head and that many bytes); the connection stays open. */
    public String readResponse() {
        try {
            String head = readHead();
            String lower = head.toLowerCase();
            int at = lower.indexOf("content-length:");
            int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until the server closes the connection (or resets it), at most {@code timeoutMillis}; null if it is still open then. */
    public Ending awaitClose(int timeoutMillis) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            socket.setSoTimeout(timeoutMillis);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            byte[] buffer = new byte[4096];
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    return new Ending(received.toString(StandardCharsets.UTF_8), System.nanoTime());
                }
                received.write(buffer, 0, n);
                if (System.nanoTime() > deadline) {
                    return null;
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (SocketException e) { // reset
            return new Ending(received.toString(StandardCharsets.UTF_8), System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True if the server has not closed the connection (a read sees neither data nor its end within 50 ms). */
    public boolean isOpen() {
        return awaitClose(50) == null;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
