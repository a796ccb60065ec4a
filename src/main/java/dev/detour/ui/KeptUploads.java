package dev.detour.ui;

import dev.detour.system.SystemConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Uploads the import page holds between submits — after a dry run, or a refusal that a second
 * submit with "skip the bad lines" answers — so the file need not be chosen again. Kept an hour
 * under the data directory, by a random token the page carries; taken by the import that stores.
 */
@ApplicationScoped
public class KeptUploads {

  private static final Logger LOG = Logger.getLogger(KeptUploads.class);

  static final Duration KEEP = Duration.ofHours(1);

  private final Path dir;

  public KeptUploads(SystemConfig system) {
    this.dir = system.dataDir().resolve("uploads");
  }

  /** Keeps a copy of {@code upload}; returns its token. */
  String keep(Path upload) throws IOException {
    purge();
    Files.createDirectories(dir);
    byte[] random = new byte[12];
    ThreadLocalRandom.current().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    Files.copy(upload, dir.resolve(token), StandardCopyOption.REPLACE_EXISTING);
    return token;
  }

  /** The upload a token names, or null when it is not one or has gone. */
  Path find(String token) {
    if (token == null || !token.matches("[0-9a-f]{24}")) {
      return null;
    }
    Path p = dir.resolve(token);
    return Files.isRegularFile(p) ? p : null;
  }

  void drop(String token) {
    Path p = find(token);
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.debugf("Cannot delete the kept upload %s: %s", p, e.getMessage());
      }
    }
  }

  private void purge() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    Instant before = Instant.now().minus(KEEP);
    try (Stream<Path> all = Files.list(dir)) {
      for (Path p : all.toList()) {
        if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      LOG.debugf("Cannot clear old uploads in %s: %s", dir, e.getMessage());
    }
  }
}
