package io.kafkacassandra.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback to a server port that cuts every connection, and refuses new ones, the moment a client
 * sends a given string (a ZooKeeper path, say): the server is gone for the client, mid-conversation.
 */
final class CuttableProxy {
    private final int target;
    private final byte[] trigger;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch cut = new CountDownLatch(1);

    CuttableProxy(int target, String trigger) throws IOException {
        this.target = target;
        this.trigger = trigger.getBytes(StandardCharsets.ISO_8859_1);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept, "proxy-accept");
    }

    int port() {
        return listener.getLocalPort();
    }

    boolean awaitCut(long timeout, TimeUnit unit) throws InterruptedException {
        return cut.await(timeout, unit);
    }

    void cut() {
        cut.countDown();
        close(listener);
        sockets.forEach(CuttableProxy::close);
    }

    private void accept() {
        while (cut.getCount() > 0) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(server);
                if (cut.getCount() == 0) {
                    cut();
                    return;
                }
                daemon(() -> pump(client, server, true), "proxy-up");
                daemon(() -> pump(server, client, false), "proxy-down");
            } catch (IOException e) {
                return; // cut
            }
        }
    }

    private void pump(Socket from, Socket to, boolean watch) {
        byte[] buffer = new byte[8192];
        String recent = "";
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (watch) {
                    // The last bytes too: the trigger may straddle two reads.
                    recent = recent + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    if (recent.contains(new String(trigger, StandardCharsets.ISO_8859_1))) {
                        cut();
                        return;
                    }
                    recent = recent.substring(Math.max(0, recent.length() - trigger.length));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // cut, or the peer closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing is all that is wanted
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }
}
