package dev.detour.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * How this node is named in a cluster: {@code detour.node.id} when given, else the name kept in the
 * data directory's {@code node-id} file, made on the first start from the kernel's host name and a
 * random suffix. The host name is only read, never resolved: a name in neither {@code /etc/hosts}
 * nor DNS (a container, a small home box) must not keep Detour from starting, as Quartz's own
 * host-name-and-time id did. Kept in a file, the name is the same after a restart, so Quartz
 * recovers the rounds this node left half done at once instead of waiting to declare it dead; the
 * random suffix keeps two nodes apart even where their host names are the same.
 */
public final class NodeName {

  /** The key that names a node outright. */
  public static final String KEY = "detour.node.id";

  /** The file in the data directory that keeps a generated name. */
  public static final String FILE = "node-id";

  // Quartz keeps the id in a varchar(200); the name also shows in logs, the API and metrics.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Logger LOG = Logger.getLogger(NodeName.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private NodeName() {}

  /**
   * This node's name.
   *
   * @param configured {@code detour.node.id}, when set
   * @param dataDir where a generated name is kept
   * @param hostName this machine's host name as the kernel has it (not resolved)
   * @throws IllegalArgumentException when {@code configured}, or the kept file, is not a valid name
   */
  public static String of(Optional<String> configured, Path dataDir, Supplier<String> hostName) {
    if (configured.isPresent()) {
      String name = configured.get().strip();
      if (!VALID.matcher(name).matches()) {
        throw new IllegalArgumentException(
            KEY
                + " = '"
                + configured.get()
                + "' is not a node name: use 1 to 63 letters, digits, '.', '_' or '-', starting"
                + " with a letter or digit, different on every node of a cluster");
      }
      return name;
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return kept(file);
      }
      Files.createDirectories(dataDir);
      String made = hostPart(hostName.get()) + "-" + HexFormat.of().formatHex(randomBytes());
      Path temporary = Files.createTempFile(dataDir, FILE, ".new");
      try {
        Files.writeString(temporary, made + "\n", StandardCharsets.US_ASCII);
        moveIfAbsent(temporary, file);
      } finally {
        Files.deleteIfExists(temporary);
      }
      // Another process that started at the same moment may have kept its name first: both use it.
      return kept(file);
    } catch (IOException e) {
      String made = hostPart(hostName.get()) + "-" + HexFormat.of().formatHex(randomBytes());
      LOG.warnf(
          "Cannot keep this node's name in %s (%s): it is %s until the next start. Make the data"
              + " directory writable or set %s to keep one name across restarts.",
          file, e.getMessage(), made, KEY);
      return made;
    }
  }

  /** The kernel's host name of this machine, or of its UTS namespace (a container's). */
  public static String kernelHostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // Another system: the environment may know.
    }
    return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("");
  }

  private static String kept(Path file) throws IOException {
    String name = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          file
              + " holds '"
              + name
              + "', which is not a node name: delete the file to have a new one made, or set "
              + KEY);
    }
    return name;
  }

  private static void moveIfAbsent(Path from, Path to) throws IOException {
    try {
      // A hard link never replaces: of two processes starting together, one name wins.
      Files.createLink(to, from);
    } catch (FileAlreadyExistsException someoneElse) {
      // Kept by the other process.
    } catch (UnsupportedOperationException | IOException noLinks) {
      if (!Files.exists(to)) {
        try {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(from, to);
        }
      }
    }
  }

  /** The host name cut to what a node name allows, leaving room for the suffix. */
  static String hostPart(String hostName) {
    String first = hostName.strip().split("\\.", 2)[0].replaceAll("[^A-Za-z0-9_-]", "");
    first = first.replaceFirst("^[_-]+", "");
    if (first.length() > 40) {
      first = first.substring(0, 40);
    }
    return first.isEmpty() ? "detour" : first;
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
