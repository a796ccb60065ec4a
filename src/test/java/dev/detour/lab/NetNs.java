package dev.detour.lab;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs code inside a lab host's network namespace, in-process: a fresh thread joins the namespace
 * with setns(2), so the sockets, captures and commands it opens belong to that host, then the
 * thread is thrown away so no pooled thread stays in the wrong network.
 */
public final class NetNs {

  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;

  interface LibC extends Library {
    LibC C = Native.load("c", LibC.class);

    int open(String path, int flags);

    int setns(int fd, int nstype);

    int close(int fd);
  }

  private NetNs() {}

  public static <T> T call(String namespace, Callable<T> task) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread
          .submit(
              () -> {
                int fd = LibC.C.open("/run/netns/" + namespace, O_RDONLY);
                if (fd < 0) {
                  throw new IllegalStateException("no network namespace " + namespace);
                }
                try {
                  if (LibC.C.setns(fd, CLONE_NEWNET) != 0) {
                    throw new IllegalStateException(
                        "cannot join "
                            + namespace
                            + ": setns failed ("
                            + Native.getLastError()
                            + ")");
                  }
                } finally {
                  LibC.C.close(fd);
                }
                return task.call();
              })
          .get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } finally {
      thread.shutdownNow();
    }
  }
}
