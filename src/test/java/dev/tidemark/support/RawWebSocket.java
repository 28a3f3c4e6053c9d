package dev.tidemark.support;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain TCP socket, for what {@code java.net.http} cannot do: stop reading
 * altogether (a client whose tab froze, or on a dead slow link), with a receive buffer as small as
 * asked, and resume later. It speaks RFC 6455 framing only; the test speaks the subprotocol.
 */
public final class RawWebSocket implements AutoCloseable {

    /** A frame read from the server: its opcode and payload (for a close frame: the code, then the reason). */
    public record Frame(int opcode, byte[] payload) {
        public static final int TEXT = 1;
        public static final int CLOSE = 8;

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Upgrades a connection to {@code graphqlHttpUri} asking for {@code subprotocol}; the kernel buffers at most {@code receiveBuffer} bytes for it. */
    public static RawWebSocket open(URI graphqlHttpUri, String subprotocol, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(receiveBuffer); // before connecting: it sets the TCP window offered
            socket.connect(new InetSocketAddress(graphqlHttpUri.getHost(), graphqlHttpUri.getPort()), 10_000);
            socket.setSoTimeout(10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            ws.out.write(("GET " + graphqlHttpUri.getPath() + " HTTP/1.1\r\nHost: " + graphqlHttpUri.getHost() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String status = ws.readResponseHead();
            if (!status.startsWith("HTTP/1.1 101")) {
                throw new IllegalStateException("upgrade refused: " + status);
            }
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one text message as a single masked frame, as a browser does. */
    public void sendText(String text) {
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8)); // FIN, text
    }

    /** Sends one masked frame with the given first byte (FIN, RSV bits, opcode) and payload, valid or not. */
    public void sendFrame(int firstByte, byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(payload.length + 14);
        frame.put((byte) firstByte);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65536) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        try {
            out.write(frame.array(), 0, frame.position());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame from the server, or null if the connection ended (EOF or reset) without one. */
    public Frame read() {
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Frame(first & 0x0F, payload);
        } catch (EOFException | java.net.SocketException e) {
            return null; // closed (or reset) by the server
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + timeoutMillis() + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads frames until a close frame (returned) or the end of the connection (null), counting the text frames skipped in {@code skipped[0]}. */
    public Frame readUntilClose(long[] skipped) {
        while (true) {
            Frame frame = read();
            if (frame == null || frame.opcode() == Frame.CLOSE) {
                return frame;
            }
            skipped[0]++;
        }
    }

    /** How long {@link #read} waits for a frame before it fails (10 s unless set). */
    public void setReadTimeout(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int timeoutMillis() {
        try {
            return socket.getSoTimeout();
        } catch (IOException e) {
            return -1;
        }
    }

    private String readResponseHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.substring(0, head.indexOf("\r\n"));
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
