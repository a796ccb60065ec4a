package dev.detour.control;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where a block is confirmed: somewhere uncensored ({@code detour.control.*}). */
@ConfigMapping(prefix = "detour.control")
public interface ControlConfig {
  /** {@code interface} (probe through the tunnel), {@code agent} (a Detour abroad) or none. */
  @WithDefault("none")
  Mode mode();

  /** The tunnel interface probed through in {@code interface} mode. */
  @WithName("interface")
  Optional<String> device();

  /** Base URL of the control agent in {@code agent} mode, e.g. https://vps.example:8443. */
  @WithName("agent-url")
  Optional<String> agentUrl();

  /** The agent's token ({@code detour.agent.token} on the agent). */
  @WithName("agent-token")
  Optional<String> agentToken();

  /** Resolvers asked through the tunnel in {@code interface} mode. */
  @WithName("dns-resolvers")
  @WithDefault("9.9.9.9,1.1.1.1")
  List<String> dnsResolvers();

  /** How long a request to the agent may take beyond the probes' own timeouts. */
  @WithName("agent-timeout")
  @WithDefault("30s")
  Duration agentTimeout();

  /** The control mode. */
  enum Mode {
    NONE,
    INTERFACE,
    AGENT
  }
}
