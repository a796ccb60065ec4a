package dev.detour.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's name never needs its host name to resolve, stays across restarts, differs per node. */
class NodeNameTest {

  @TempDir Path dir;

  @Test
  void aConfiguredNameWinsAndIsNotKept() {
    assertThat(NodeName.of(Optional.of("home-1"), dir, () -> "box")).isEqualTo("home-1");
    assertThat(dir.resolve(NodeName.FILE)).doesNotExist();
  }

  @Test
  void aBadConfiguredNameIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> NodeName.of(Optional.of("two words"), dir, () -> "box"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("detour.node.id")
        .hasMessageContaining("'two words'");
    assertThatThrownBy(() -> NodeName.of(Optional.of("x".repeat(64)), dir, () -> "box"))
        .hasMessageContaining("1 to 63");
  }

  @Test
  void aMadeNameStartsWithTheHostNameAndIsTheSameAfterARestart() throws IOException {
    String first = NodeName.of(Optional.empty(), dir, () -> "be3a4e34e57b");
    assertThat(first).matches("be3a4e34e57b-[0-9a-f]{8}");
    assertThat(Files.readString(dir.resolve(NodeName.FILE)).strip()).isEqualTo(first);
    assertThat(NodeName.of(Optional.empty(), dir, () -> "renamed-box")).isEqualTo(first);
  }

  @Test
  void twoDataDirectoriesOnMachinesOfOneNameGetTwoNames() throws IOException {
    String a = NodeName.of(Optional.empty(), Files.createDirectory(dir.resolve("a")), () -> "pi");
    String b = NodeName.of(Optional.empty(), Files.createDirectory(dir.resolve("b")), () -> "pi");
    assertThat(a).startsWith("pi-");
    assertThat(b).startsWith("pi-").isNotEqualTo(a);
  }

  @Test
  void processesStartingTogetherAgreeOnOneName() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      Callable<String> start = () -> NodeName.of(Optional.empty(), dir, () -> "box");
      var names =
          pool.invokeAll(IntStream.range(0, 16).mapToObj(i -> start).toList()).stream()
              .map(NodeNameTest::get)
              .distinct()
              .toList();
      assertThat(names).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(NodeName.FILE);
    }
  }

  @Test
  void anyHostNameBecomesAValidName() {
    assertThat(NodeName.hostPart("pi.home.arpa")).isEqualTo("pi");
    assertThat(NodeName.hostPart("")).isEqualTo("detour");
    assertThat(NodeName.hostPart("-_ünïcode_box")).isEqualTo("ncode_box");
    assertThat(NodeName.hostPart("a".repeat(100))).hasSize(40);
    assertThat(NodeName.of(Optional.empty(), dir, () -> "...")).matches("detour-[0-9a-f]{8}");
  }

  @Test
  void aDamagedKeptNameIsRefusedSayingWhatToDo() throws IOException {
    Files.writeString(dir.resolve(NodeName.FILE), "not a name\n");
    assertThatThrownBy(() -> NodeName.of(Optional.empty(), dir, () -> "box"))
        .hasMessageContaining("delete the file")
        .hasMessageContaining("detour.node.id");
  }

  @Test
  void anUnwritableDataDirectoryStillGivesAName() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "");
    assertThat(NodeName.of(Optional.empty(), file, () -> "box")).matches("box-[0-9a-f]{8}");
  }

  @Test
  void theKernelsHostNameIsReadNotResolved() {
    assertThat(NodeName.kernelHostName()).isNotBlank();
  }

  private static String get(Future<String> f) {
    try {
      return f.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
