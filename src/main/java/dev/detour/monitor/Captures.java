package dev.detour.monitor;

import dev.detour.state.AddressEvidence;
import dev.detour.system.SystemConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The pcap files of rounds: a suspicious round's are kept until two rounds later (the page that
 * showed them a moment ago still links to them while the next round is under way), an incident's
 * for good, the rest go at once.
 */
@ApplicationScoped
public class Captures {

  private static final Logger LOG = Logger.getLogger(Captures.class);

  private final Path root;

  public Captures(SystemConfig system) {
    this.root = system.dataDir().resolve("captures");
  }

  /**
   * Keeps this round's runs ({@code runs}) for two more rounds, and the one of an incident ({@code
   * kept}) for good; the runs kept from two rounds before go. (Deleted at the next round, the pcap
   * links of a page opened a moment before answered 404.)
   */
  void keepUntilNext(WatchRuntime rt, List<String> runs, String kept) {
    for (String old : rt.olderCaptures) {
      delete(old);
    }
    rt.olderCaptures = rt.captures;
    rt.captures = runs.stream().filter(id -> !id.equals(kept)).toList();
  }

  /** An address's files of this round, now: the round tells nothing. */
  void delete(AddressEvidence e) {
    if (e.local() != null && e.local().id() != null) {
      delete(e.local().id());
    }
  }

  /** A watch forgotten: the files it kept. */
  void forget(WatchRuntime rt) {
    rt.captures.forEach(this::delete);
    rt.olderCaptures.forEach(this::delete);
  }

  void delete(String run) {
    Path dir = root.resolve(run);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debugf("Cannot delete captures %s: %s", dir, e.getMessage());
    }
  }
}
