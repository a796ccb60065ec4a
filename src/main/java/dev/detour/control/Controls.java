package dev.detour.control;

import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.probe.icmp.IcmpProbe;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The control vantage {@code detour.control.mode} names, checked at start (a mode missing its
 * interface, URL or token stops the service with a message saying which key to set), and its
 * health, checked at most every few seconds and shared by every round.
 */
@ApplicationScoped
public class Controls {

  private static final Logger LOG = Logger.getLogger(Controls.class);
  private static final Duration HEALTH_TTL = Duration.ofSeconds(5);

  private final ControlVantage vantage;
  private final AgentConfig agent;
  private volatile ControlVantage.Health health;
  private volatile long checkedNanos;

  public Controls(
      ControlConfig c,
      AgentConfig agent,
      ProbeService probes,
      DnsProbe dns,
      IcmpProbe icmp,
      Probes all) {
    this.agent = agent;
    this.vantage =
        switch (c.mode()) {
          case NONE -> new NoControl();
          case INTERFACE ->
              new TunnelControl(
                  c.device()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "detour.control.mode=interface needs detour.control.interface,"
                                      + " a tunnel interface on this host to probe through (e.g. gre1)")),
                  c.dnsResolvers().stream().map(r -> new InetSocketAddress(r.strip(), 53)).toList(),
                  probes,
                  dns,
                  icmp);
          case AGENT ->
              new AgentControl(
                  URI.create(
                      c.agentUrl()
                          .orElseThrow(
                              () ->
                                  new IllegalStateException(
                                      "detour.control.mode=agent needs detour.control.agent-url,"
                                          + " e.g. https://vps.example:8443"))),
                  c.agentToken()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "detour.control.mode=agent needs detour.control.agent-token,"
                                      + " the agent's detour.agent.token")),
                  c.agentTimeout(),
                  all);
        };
  }

  void onStart(@Observes StartupEvent event) {
    if (agent.enabled() && agent.token().filter(t -> t.length() >= 16).isEmpty()) {
      throw new IllegalStateException(
          "detour.agent.enabled=true needs detour.agent.token, a secret of at least 16 characters"
              + " (e.g. from: openssl rand -hex 24)");
    }
    LOG.infof(
        "Control vantage: %s%s",
        vantage.mode(), agent.enabled() ? "; this Detour is also a control agent" : "");
  }

  public ControlVantage vantage() {
    return vantage;
  }

  /** The last health check's answer, without checking (for the API). */
  public ControlVantage.Health lastHealth() {
    ControlVantage.Health h = health;
    return h != null ? h : new ControlVantage.Health(false, "not checked yet");
  }

  /** The control's health, checked again when the last check is a few seconds old. */
  public ControlVantage.Health health() {
    long now = System.nanoTime();
    if (health == null || now - checkedNanos > HEALTH_TTL.toNanos()) {
      synchronized (this) {
        if (health == null || now - checkedNanos > HEALTH_TTL.toNanos()) {
          health = vantage.health();
          checkedNanos = now;
        }
      }
    }
    return health;
  }
}
