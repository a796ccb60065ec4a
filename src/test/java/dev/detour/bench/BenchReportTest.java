package dev.detour.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code bench/run --update}: what the report keeps of the previous one, and what it says. */
class BenchReportTest {

  private static final String FULL =
      "# Benchmarks\n\nWritten on day 1. Probe rates are the median of 3 runs.\n\n"
          + "## Probe rates and cost\n\nold rates\n\n## Watch-list scale\n\nold scale\n";

  @Test
  void anUpdateKeepsTheOtherSectionsAndSaysWhatWasMeasuredAgainWithHowManyRuns() {
    String now =
        "# Benchmarks\n\nWritten on day 2. Probe rates are the median of 1 run.\n\n"
            + "## Probe rates and cost\n\nnew rates\n";
    String merged = Bench.keepOtherSections(FULL, now);
    assertThat(merged)
        .contains("Written on day 1. Probe rates are the median of 3 runs.")
        .contains("new rates")
        .contains("old scale")
        .doesNotContain("old rates")
        .containsPattern(
            "Re-measured on [0-9-]+ [0-9:]+ UTC \\(`--update`; probe rates the median of 1 run\\):"
                + " Probe rates and cost\\.");
  }

  @Test
  void earlierUpdatesStayUntilTheirSectionsAreMeasuredAgain() {
    String scale =
        "# Benchmarks\n\nWritten on day 2. Probe rates are the median of 3 runs.\n\n"
            + "## Watch-list scale\n\nnew scale\n";
    String rates =
        "# Benchmarks\n\nWritten on day 3. Probe rates are the median of 1 run.\n\n"
            + "## Probe rates and cost\n\nnew rates\n";
    String once = Bench.keepOtherSections(FULL, scale);
    String twice = Bench.keepOtherSections(once, rates);
    assertThat(twice.split("Re-measured on ", -1)).hasSize(3);
    assertThat(twice).contains("(`--update`): Watch-list scale.").contains("new scale");
    String thrice = Bench.keepOtherSections(twice, scale);
    assertThat(thrice.split("Re-measured on ", -1)).hasSize(3);
    assertThat(thrice).contains("): Probe rates and cost.");
  }
}
