package dev.detour.watch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Min;

/** Limits of list imports ({@code detour.import.*}). */
@ConfigMapping(prefix = "detour.import")
public interface ImportConfig {
  /** Largest import body accepted; larger ones get 413 before anything is stored. */
  @WithName("max-bytes")
  @WithDefault("134217728")
  @Min(1)
  long maxBytes();

  /** How many bad lines an import failure lists one by one (the total is always given). */
  @WithName("max-reported-errors")
  @WithDefault("10000")
  @Min(1)
  int maxReportedErrors();
}
