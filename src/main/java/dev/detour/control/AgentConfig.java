package dev.detour.control;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.Optional;

/** This Detour as a control agent for another, abroad ({@code detour.agent.*}). */
@ConfigMapping(prefix = "detour.agent")
public interface AgentConfig {
  @WithDefault("false")
  boolean enabled();

  /** The bearer token clients must send; required when the agent is enabled. */
  Optional<String> token();

  /** Probe requests per second the agent accepts (more get 429). */
  @WithName("rate-limit")
  @WithDefault("200")
  @Min(1)
  int rateLimit();

  /** Probe requests the agent runs at the same time at most. */
  @WithName("max-concurrent")
  @WithDefault("64")
  @Min(1)
  int maxConcurrent();

  /**
   * Prefixes the agent probes even though they are private or reserved (it refuses those otherwise,
   * so it is never a way into its own network).
   */
  @WithName("allow")
  Optional<List<String>> allow();
}
