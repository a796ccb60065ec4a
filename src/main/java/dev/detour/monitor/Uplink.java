package dev.detour.monitor;

import dev.detour.probe.ProbeConfig;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.RawPacketAccess;
import dev.detour.probe.packet.Route;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this host's own link to the world works, checked before anyone is blamed: an offline home
 * must never look like a censor dropping everything. The anchors ({@code detour.uplink.anchors}, by
 * default the default gateway) are pinged; the uplink is down when none answers, or when there is
 * no default route at all. Without raw packets the check cannot ping and says so rather than guess.
 */
@ApplicationScoped
public class Uplink {

  /** An uplink check's answer. */
  public record Status(boolean up, String detail, Instant at) {}

  private final UplinkConfig config;
  private final ProbeConfig probes;
  private final IcmpProbe icmp;
  private final RawPacketAccess access;
  private volatile Status last;

  public Uplink(UplinkConfig config, ProbeConfig probes, IcmpProbe icmp, RawPacketAccess access) {
    this.config = config;
    this.probes = probes;
    this.icmp = icmp;
    this.access = access;
  }

  /** The last check, made again when it is older than {@code detour.uplink.check-every}. */
  public Status status() {
    Status s = last;
    Instant now = Instant.now();
    if (s == null || s.at().plus(config.checkEvery()).isBefore(now)) {
      synchronized (this) {
        s = last;
        if (s == null || s.at().plus(config.checkEvery()).isBefore(now)) {
          s = check();
          last = s;
        }
      }
    }
    return s;
  }

  /**
   * A check made at {@code since} or later: the last one if it is that recent, else a new one. A
   * round that saw timeouts asks this before blaming anyone, so an uplink that died while the round
   * ran is noticed whatever the check interval; watches finishing together share one check.
   */
  public Status statusSince(Instant since) {
    Status s = last;
    if (s != null && !s.at().isBefore(since)) {
      return s;
    }
    synchronized (this) {
      s = last;
      if (s == null || s.at().isBefore(since)) {
        s = check();
        last = s;
      }
    }
    return s;
  }

  private Status check() {
    Instant now = Instant.now();
    List<String> anchors = new ArrayList<>(config.anchors().orElse(List.of()));
    try {
      if (anchors.isEmpty()) {
        String gateway = Route.defaultGateway();
        if (gateway == null) {
          return new Status(false, "no default route", now);
        }
        anchors.add(gateway);
      }
    } catch (IOException e) {
      return new Status(false, "cannot read the routing table: " + e.getMessage(), now);
    }
    if (!access.status().canProbe() || !probes.raw()) {
      return new Status(true, "not checked: pinging " + anchors + " needs raw packets", now);
    }
    List<String> failures = new ArrayList<>();
    for (String anchor : anchors) {
      try {
        InetAddress address = InetAddress.getByName(anchor.strip());
        if (!(address instanceof Inet4Address v4)) {
          continue;
        }
        IcmpEvidence echo = icmp.probe(v4, null, null);
        if (!echo.replies().isEmpty()) {
          return new Status(true, anchor + " answers ping", now);
        }
        failures.add(anchor + " does not answer ping");
      } catch (IOException | RuntimeException e) {
        failures.add(anchor + ": " + e.getMessage());
      }
    }
    return new Status(false, String.join("; ", failures), now);
  }
}
