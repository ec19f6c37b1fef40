package zhangban.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on the loopback between the server and PostgreSQL, so a test can break the
 * connections as a network does: {@link #resetAll()} ends each with a reset (RST), not a FIN.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean refusing;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "tcp-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (refusing) {
          close(client); // the database is out of reach for now
          continue;
        }
        sockets.add(client);
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException refused) {
          close(client); // PostgreSQL refused: the client sees its connection end
          continue;
        }
        sockets.add(upstream);
        if (listener.isClosed()) {
          // accepted as the relay closed: close() may have reset before these were listed
          resetAll();
          return;
        }
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // the relay was closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        close(to);
        close(from);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /**
   * While {@code refusing}, a new connection is closed as soon as it is made, as when the database
   * is out of reach; then connections go through again.
   */
  public void refuse(boolean refusing) {
    this.refusing = refusing;
  }

  /** Every connection through the relay is reset at once, both ways. */
  public void resetAll() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0);
      } catch (IOException e) {
        // already closed
      }
      close(s);
      sockets.remove(s); // not clear(): one accepted while this runs stays listed for the next reset
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** The relay takes no new connection and resets every one it has (stop listening first, so a
   * client reconnecting at once after the reset is refused rather than let through). */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    resetAll();
  }
}
