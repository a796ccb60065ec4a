package dev.detour;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rooms of the house (docs/architecture.md): no package depends on another that depends back on
 * it, however far round, and no class of the service is so big that it must be doing several
 * things.
 */
class ArchitectureTest {

  /** The most lines a class of the service may have. */
  static final int MAX_LINES = 500;

  static final JavaClasses SERVICE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.detour");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.detour.(**)").should().beFreeOfCycles().check(SERVICE);
  }

  @Test
  void noClassOfTheServiceIsOverFiveHundredLines() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      List<String> big =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> lines(p) > MAX_LINES)
              .map(p -> p + " (" + lines(p) + " lines)")
              .toList();
      assertThat(big).as("classes over %d lines", MAX_LINES).isEmpty();
    }
  }

  private static long lines(Path p) {
    try (Stream<String> lines = Files.lines(p)) {
      return lines.count();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
