package dev.detour.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options Detour ships with, from where they are kept: the pom's {@code detour.jvm.options}
 * (the README's run command passes them), copied into the systemd unit, the image and the Helm
 * chart.
 */
public final class ShippedJvm {

  private static final Pattern PROPERTY =
      Pattern.compile("<detour\\.jvm\\.options>([^<]*)</detour\\.jvm\\.options>");

  private ShippedJvm() {}

  /** The JVM's own options, as one line. */
  public static String options() {
    try {
      Matcher m = PROPERTY.matcher(Files.readString(Path.of("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException("pom.xml has no detour.jvm.options property");
      }
      return m.group(1).strip().replaceAll("\\s+", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What the run command's service gets: the environment's {@code MALLOC_ARENA_MAX=2} (the form
   * {@link dev.detour.lab.DetourProcess} takes), the options and the class-data archive the package
   * phase made beside the jar (src/build/class-data-archive), when it is there.
   */
  public static List<String> asStarted() {
    List<String> all = new ArrayList<>();
    all.add("MALLOC_ARENA_MAX=2");
    all.addAll(List.of(options().split(" ")));
    Path archive = Path.of("target", "quarkus-app", "detour.jsa").toAbsolutePath();
    if (Files.isRegularFile(archive)) {
      all.add("-XX:SharedArchiveFile=" + archive);
    }
    return all;
  }
}
