package dev.detour.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartPhasesTest {

  @Test
  void thePhasesAreTimedFromTheJvmsStartAndOnlyTheFirstRoundIsTold() {
    StartPhases phases = new StartPhases();
    phases.booted(null);
    phases.started(null);
    assertThat(phases.startLine())
        .matches(
            "Start phases: JVM and Quarkus's boot \\(.*\\) \\d+\\.\\d\\d s, Detour's start-up"
                + " work \\d+\\.\\d\\d s");
    long later = System.currentTimeMillis() + 1500;
    assertThat(phases.firstRoundLine("lab", later))
        .contains("the first round (group lab) began 1.")
        .matches(".* s after start-up, \\d+\\.\\d\\d s after the JVM started");
    assertThat(phases.roundBegins("lab")).isTrue();
    assertThat(phases.roundBegins("lab")).as("told once").isFalse();
  }

  @Test
  void aPhaseNotReachedSaysSoRatherThanAnAbsurdFigure() {
    assertThat(new StartPhases().startLine()).contains("NaN s, Detour's start-up work NaN s");
  }
}
