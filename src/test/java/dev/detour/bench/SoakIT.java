package dev.detour.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The soak of {@code bench/soak}, short enough for the test suite: 2,000 watches in the lab, rounds
 * every 20 s, the censor toggling four blocks, the UI and the API under load from a second process
 * for five minutes; memory and threads flat, no failed request, no error in the service's log.
 */
class SoakIT {

  @Test
  void fiveMinutesOfTogglingBlocksAndLoadLeaveNothingGrowing() throws Exception {
    Path report = Files.createTempFile("detour-soak", ".md");
    try {
      Soak.Result r = Soak.run(new Soak.Settings(Duration.ofMinutes(5), 2000, 20, report));
      assertThat(r.problems()).as(Files.readString(report)).isEmpty();
      assertThat(r.cycles()).as("censor cycles").isGreaterThanOrEqualTo(2);
      assertThat(r.requests()).as("requests of the load").isGreaterThan(100);
    } finally {
      Files.deleteIfExists(report);
    }
  }
}
