package dev.detour.system;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where Detour keeps its files, and this node's name ({@code detour.data-dir}, {@code
 * detour.node.*}).
 */
@ConfigMapping(prefix = "detour")
public interface SystemConfig {

  /** Directory of the embedded database and other files Detour keeps. */
  @WithName("data-dir")
  @WithDefault("./data")
  Path dataDir();

  Node node();

  /** This node of a cluster (or the only one). */
  interface Node {
    /**
     * This node's name, unique among the nodes sharing a database; unset, a name is made on the
     * first start and kept in the data directory (dev.detour.cluster.NodeName, which checks it).
     */
    Optional<String> id();
  }
}
