package dev.detour.route;

import dev.detour.control.ControlConfig;
import dev.detour.probe.packet.Route;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;

/**
 * After a route is added: does the target now answer through the tunnel? A TCP connection from the
 * tunnel's own address — the path the routed traffic takes — to port 443 and then 80; a refusal
 * counts as an answer (the host is there). Possible where this host has the tunnel: the control
 * vantage's interface, or the router's own when the router is this host.
 */
@ApplicationScoped
public class TunnelCheck {

  /** {@code ok} null: no way to check from here. */
  public record Result(Boolean ok, String detail) {}

  private final ControlConfig config;

  public TunnelCheck(ControlConfig config) {
    this.config = config;
  }

  public Result through(RouterSettings router, String address) {
    Optional<String> device = device(router);
    if (device.isEmpty()) {
      return new Result(null, "no tunnel on this host to check through");
    }
    try {
      InetAddress target = InetAddress.getByName(address);
      String source = Route.lookup(target, device.get()).source();
      IOException last = null;
      for (int port : new int[] {443, 80}) {
        long started = System.nanoTime();
        try (Socket s = new Socket()) {
          s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
          s.connect(new InetSocketAddress(target, port), 3000);
          return new Result(true, answered(address, port, device.get(), started, "answers"));
        } catch (ConnectException e) {
          return new Result(true, answered(address, port, device.get(), started, "refuses"));
        } catch (IOException e) {
          last = e;
        }
      }
      return new Result(
          false, address + " does not answer through " + device.get() + ": " + last.getMessage());
    } catch (IOException e) {
      return new Result(false, "cannot check " + address + ": " + e.getMessage());
    }
  }

  private static String answered(String address, int port, String dev, long started, String how) {
    return address
        + ":"
        + port
        + " "
        + how
        + " through "
        + dev
        + " in "
        + (System.nanoTime() - started) / 1_000_000
        + " ms";
  }

  private Optional<String> device(RouterSettings router) {
    if (config.mode() == ControlConfig.Mode.INTERFACE) {
      return config.device();
    }
    return router.kind().tunnelDevice(router);
  }
}
