package dev.detour.probe.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.probe.ProbeResult;
import dev.detour.verdict.AddressVerdicts;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The transfer rule on pairs of transfers recorded in the lab ({@code TransferProbeLabTest} wrote
 * them: here and through the tunnel at once), read back as stored evidence is.
 */
class RecordedTransfersTest {

  static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  static Observation observation(TransferEvidence e) {
    return new Observation(
        List.of(new ProbeResult(TransferProbe.KIND, ProbeResult.Status.OK, null, 1, e, null)));
  }

  static Verdict judge(String recording) throws IOException {
    try (InputStream in =
        RecordedTransfersTest.class.getResourceAsStream(
            "/evidence/transfer/" + recording + ".json")) {
      JsonNode pair = JSON.readTree(in);
      TransferEvidence here = JSON.treeToValue(pair.get("here"), TransferEvidence.class);
      TransferEvidence there = JSON.treeToValue(pair.get("there"), TransferEvidence.class);
      return AddressVerdicts.judge(observation(here), observation(there), HostTemplate.NONE);
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "throttled,     throttled",
    "frozen-https,  transfer_stalled",
    "frozen-http,   transfer_stalled",
    "frozen-name,   transfer_stalled",
    "clean,         up",
    "spared-name,   up",
    "small,         up",
    "slow,          up",
    "lossy-1,       up",
  })
  void aRecordedPairReadsAsItDidInTheLab(String recording, String expected) throws IOException {
    Verdict v = judge(recording);
    String got = v.state() == WatchState.BLOCKED ? v.method().label() : v.state().label();
    assertThat(got).as("%s: %s", recording, v.reasons()).isEqualTo(expected);
  }
}
