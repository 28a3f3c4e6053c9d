package dev.tidemark.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny TCP load balancer, as a Kubernetes Service in front of the replicas: each new client
 * connection goes to the next backend in turn; a backend that refuses the connection (a killed
 * replica) is skipped. Records which backend each connection went to.
 */
final class RoundRobinProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** The backend port of each accepted connection, in order. */
    final List<Integer> assigned = new CopyOnWriteArrayList<>();

    RoundRobinProxy(List<Integer> backendPorts) {
        this.backends = List.copyOf(backendPorts);
        try {
            server = new ServerSocket(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::accept, "round-robin-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    URI graphql() {
        return URI.create("http://localhost:" + server.getLocalPort() + "/graphql");
    }

    /** The backend the last accepted connection went to. */
    int lastBackend() {
        return assigned.get(assigned.size() - 1);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Socket backend = connect();
                if (backend == null) {
                    client.close();
                    continue;
                }
                open.add(backend);
                pipe(client, backend);
                pipe(backend, client);
            } catch (IOException e) {
                // closed
            }
        }
    }

    private Socket connect() {
        for (int tries = 0; tries < backends.size(); tries++) {
            int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("localhost", port), 1000);
                socket.setTcpNoDelay(true);
                assigned.add(port);
                return socket;
            } catch (IOException e) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
        return null;
    }

    private static void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed or reset
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closed
        }
        open.forEach(RoundRobinProxy::closeQuietly);
    }
}
