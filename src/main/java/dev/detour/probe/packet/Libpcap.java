package dev.detour.probe.packet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.pcap4j.core.Pcaps;

/**
 * Finds and loads libpcap for pcap4j. Debian's runtime package ships only {@code libpcap.so.0.8},
 * while pcap4j asks the loader for {@code libpcap.so}, which only the -dev package links; so the
 * versioned file is looked up and handed to pcap4j by path.
 */
public final class Libpcap {

  /** pcap4j's system property naming the library to load. */
  public static final String LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

  private static final List<String> DIRECTORIES =
      List.of(
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/lib/x86_64-linux-gnu",
          "/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/usr/local/lib");
  private static final List<String> NAMES = List.of("libpcap.so", "libpcap.so.1", "libpcap.so.0.8");

  private Libpcap() {}

  /** The loaded library's version string, or empty with the reason it could not be loaded. */
  public static synchronized Result load() {
    if (System.getProperty(LIB_NAME_PROPERTY) == null) {
      find().ifPresent(path -> System.setProperty(LIB_NAME_PROPERTY, path.toString()));
    }
    try {
      return new Result(Optional.of(Pcaps.libVersion()), null);
    } catch (LinkageError | RuntimeException e) {
      return new Result(
          Optional.empty(),
          "libpcap could not be loaded ("
              + e.getMessage().lines().findFirst().orElse(e.toString())
              + "); install it with 'apt-get install libpcap0.8' or name the library file in -D"
              + LIB_NAME_PROPERTY
              + "=/path/to/libpcap.so");
    }
  }

  static Optional<Path> find() {
    for (String dir : DIRECTORIES) {
      for (String name : NAMES) {
        Path path = Path.of(dir, name);
        if (Files.isReadable(path)) {
          return Optional.of(path);
        }
      }
    }
    return Optional.empty();
  }

  /** The outcome of {@link #load()}: a version, or the problem in words a user can act on. */
  public record Result(Optional<String> version, String problem) {}
}
