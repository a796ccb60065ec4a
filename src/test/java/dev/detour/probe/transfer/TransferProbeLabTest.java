package dev.detour.probe.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.probe.ProbeResult;
import dev.detour.verdict.AddressVerdicts;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transfer probe from the lab's home, directly and through the tunnel, against the censor's
 * throttle and freeze (by address and by name), a site slow for everyone, a page smaller than the
 * freeze and a lossy link — and what the transfer rule makes of each pair. Each pair's evidence is
 * kept in {@code target/transfer-evidence/} (the recorded cases of {@code TodaysCensorTest} come
 * from there).
 */
class TransferProbeLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();

  static final Duration TIMEOUT = Duration.ofSeconds(2);
  final TransferProbe probe =
      new TransferProbe(TIMEOUT, TIMEOUT, 256 * 1024, Duration.ofSeconds(4), 1);
  static final ObjectMapper JSON =
      new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT);

  /** Both vantages' transfer of {@code name}'s page at {@code address}. */
  record Pair(TransferEvidence here, TransferEvidence there) {

    Verdict verdict() {
      return AddressVerdicts.judge(observation(here), observation(there), HostTemplate.NONE);
    }

    static Observation observation(TransferEvidence e) {
      return new Observation(
          List.of(new ProbeResult(TransferProbe.KIND, ProbeResult.Status.OK, null, 1, e, null)));
    }
  }

  Pair fetch(String label, String address, boolean https, String name) throws Exception {
    InetAddress target = InetAddress.getByName(address);
    InetAddress tunnel = InetAddress.getByName(Lab.TUNNEL_HOME);
    int port = https ? 443 : 80;
    String home = lab.namespace("home");
    Pair pair =
        new Pair(
            NetNs.call(home, () -> probe.fetch(target, port, https, name, null)),
            NetNs.call(home, () -> probe.fetch(target, port, https, name, tunnel)));
    Path out = Path.of("target", "transfer-evidence", label + ".json");
    Files.createDirectories(out.getParent());
    JSON.writeValue(out.toFile(), pair);
    return pair;
  }

  @Test
  void aSitesWholePageComesFastFromBothVantages() throws Exception {
    Pair p = fetch("clean", "198.18.0.30", true, "s30." + Lab.ZONE);
    for (TransferEvidence e : List.of(p.here(), p.there())) {
      assertThat(e.end()).isEqualTo(TransferEvidence.End.COMPLETE);
      assertThat(e.status()).isEqualTo(200);
      assertThat(e.bytes()).as("200 KB of page, TLS records and all").isGreaterThan(200_000);
      assertThat(e.stoppedAfter()).isEqualTo(-1);
    }
    assertThat(p.verdict().state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aThrottledSiteCrawlsHereAndIsThrottled() throws Exception {
    lab.block("throttle", "198.18.0.31", "128kbit");
    try {
      Pair p = fetch("throttled", "198.18.0.31", true, "s31." + Lab.ZONE);
      assertThat(p.here().end()).isEqualTo(TransferEvidence.End.TIME);
      assertThat(p.here().goodputBitsPerSecond()).isBetween(60_000L, 400_000L);
      assertThat(p.there().end()).isEqualTo(TransferEvidence.End.COMPLETE);
      Verdict v = p.verdict();
      assertThat(v.method()).as(v.reasons().toString()).isEqualTo(TransferRule.THROTTLED);
      assertThat(v.reasons().get(0)).startsWith("throttled to ").contains("of the tunnel's speed");
    } finally {
      lab.unblock("throttle", "198.18.0.31", "128kbit");
    }
  }

  @Test
  void aFrozenSiteStopsAfterSixteenKilobytesOverHttpsAndHttp() throws Exception {
    lab.block("freeze", "198.18.0.32", "16384");
    try {
      for (boolean https : List.of(true, false)) {
        Pair p =
            fetch("frozen-" + (https ? "https" : "http"), "198.18.0.32", https, "s32.lab.test");
        assertThat(p.here().end()).as("https " + https).isEqualTo(TransferEvidence.End.STALLED);
        // 16 KB counted by the censor, its handshake and headers included: less of it after the
        // request.
        assertThat(p.here().stoppedAfter()).isBetween(8_000L, 16_384L);
        assertThat(p.there().end()).isEqualTo(TransferEvidence.End.COMPLETE);
        Verdict v = p.verdict();
        assertThat(v.method()).as(v.reasons().toString()).isEqualTo(TransferRule.TRANSFER_STALLED);
      }
    } finally {
      lab.unblock("freeze", "198.18.0.32", "16384");
    }
  }

  @Test
  void aFreezeKeyedOnTheNameSparesAWhitelistedNameOnTheSameAddress() throws Exception {
    lab.block("freeze", "198.18.0.33", "16384", "s33." + Lab.ZONE);
    try {
      Verdict frozen = fetch("frozen-name", "198.18.0.33", true, "s33." + Lab.ZONE).verdict();
      assertThat(frozen.method()).isEqualTo(TransferRule.TRANSFER_STALLED);
      Pair spared = fetch("spared-name", "198.18.0.33", true, "w33." + Lab.ZONE);
      assertThat(spared.here().end()).isEqualTo(TransferEvidence.End.COMPLETE);
      assertThat(spared.verdict().state()).isEqualTo(WatchState.UP);
    } finally {
      lab.unblock("freeze", "198.18.0.33", "16384", "s33." + Lab.ZONE);
    }
  }

  @Test
  void aPageSmallerThanTheFreezeComesWhole() throws Exception {
    lab.block("freeze", "198.18.0.200", "16384");
    try {
      Pair p = fetch("small", "198.18.0.200", true, "small." + Lab.ZONE);
      assertThat(p.here().end()).isEqualTo(TransferEvidence.End.COMPLETE);
      assertThat(p.here().bytes()).isBetween(8_000L, 16_384L);
      assertThat(p.verdict().state()).isEqualTo(WatchState.UP);
    } finally {
      lab.unblock("freeze", "198.18.0.200", "16384");
    }
  }

  @Test
  void aSiteSlowForEveryoneIsNotThrottled() throws Exception {
    lab.block("slow", "198.18.0.34", "128kbit");
    try {
      Pair p = fetch("slow", "198.18.0.34", true, "s34." + Lab.ZONE);
      assertThat(p.here().goodputBitsPerSecond()).isLessThan(400_000L);
      assertThat(p.there().goodputBitsPerSecond()).isLessThan(400_000L);
      assertThat(p.verdict().state()).as(p.verdict().reasons().toString()).isEqualTo(WatchState.UP);
    } finally {
      lab.unblock("slow", "198.18.0.34", "128kbit");
    }
  }

  @Test
  void aLossyLinkIsNeitherThrottlingNorAFreeze() throws Exception {
    lab.block("lossy", "10");
    try {
      for (int i = 0; i < 4; i++) {
        Pair p = fetch("lossy-" + i, "198.18.0.35", true, "s35." + Lab.ZONE);
        // A transfer may fail outright (a SYN lost twice): what the TCP probes and their second
        // look make of that is theirs; a crawl or a freeze it must never read as.
        assertThat(p.verdict().method())
            .as("pair %d: %s", i, p.verdict().reasons())
            .isNotIn(TransferRule.THROTTLED, TransferRule.TRANSFER_STALLED);
      }
    } finally {
      lab.unblock("lossy", "10");
    }
  }
}
