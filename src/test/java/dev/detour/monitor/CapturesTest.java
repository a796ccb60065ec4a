package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.system.SystemConfig;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.WatchState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round's pcap files outlive the next round: the watch page that linked to them a moment before
 * must still get them (they answered 404 ten seconds later); two rounds on they go, and an
 * incident's stay.
 */
class CapturesTest {

  @TempDir Path data;

  private Path run(String id) throws IOException {
    Path dir = Files.createDirectories(data.resolve("captures").resolve(id));
    Files.writeString(dir.resolve("syn.pcap"), "pcap");
    return dir;
  }

  @Test
  void aRoundsFilesLastUntilTwoRoundsLaterAndAnIncidentsForGood() throws IOException {
    Captures captures =
        new Captures(
            new SystemConfig() {
              @Override
              public Path dataDir() {
                return data;
              }

              @Override
              public Node node() {
                return null;
              }
            });
    WatchRuntime rt =
        new WatchRuntime(
            1, "198.51.100.7", "g", new Tracker(WatchState.UP, null, Instant.now(), null, 0, null));
    Path first = run("r1");
    captures.keepUntilNext(rt, List.of("r1"), null);
    Path second = run("r2");
    Path incident = run("r2i");
    captures.keepUntilNext(rt, List.of("r2", "r2i"), "r2i");
    assertThat(first).as("the round before: a page may still link to it").exists();
    Path third = run("r3");
    captures.keepUntilNext(rt, List.of("r3"), null);
    assertThat(first).as("two rounds on").doesNotExist();
    assertThat(second).exists();
    assertThat(third).exists();
    captures.keepUntilNext(rt, List.of(), null);
    assertThat(second).doesNotExist();
    assertThat(incident).as("an incident's pcap stays").exists();
    captures.forget(rt);
    assertThat(third).doesNotExist();
  }
}
