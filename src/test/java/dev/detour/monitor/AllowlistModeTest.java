package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When many blocks at once are the ISP's allowlist mode, and when they are not. */
class AllowlistModeTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  /** Incidents as written, in memory. */
  static class Recorded extends Incidents {
    final List<String> opened = new ArrayList<>();
    final List<Long> members = new ArrayList<>();
    final List<String> lifted = new ArrayList<>();
    final List<Long> joined = new ArrayList<>();

    @Override
    public long allowlist(String summary, List<Long> watches, Instant since) {
      opened.add(summary);
      members.addAll(watches);
      return 100;
    }

    @Override
    public void joinAllowlist(long modeId, long incident) {
      joined.add(incident);
    }

    @Override
    public long event(Incident.Kind kind, String summary) {
      lifted.add(kind + " " + summary);
      return 101;
    }

    @Override
    public Optional<Incident> openAllowlist() {
      return Optional.empty();
    }
  }

  private static AllowlistMode.Settings config(String... canaries) {
    return new AllowlistMode.Settings(0.8, 5, Duration.ofMinutes(10), List.of(canaries));
  }

  private final Recorded incidents = new Recorded();

  /** The canaries asked, in any order: they are asked at once. */
  private final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());

  private AllowlistMode mode(boolean canariesAnswer) {
    return new AllowlistMode(
        config("ya.ru", "vk.com"),
        incidents,
        c -> {
          asked.add(c);
          return canariesAnswer;
        });
  }

  private static WatchRuntime watch(long id, String group, WatchState state, Instant since) {
    BlockMethod m = state == WatchState.BLOCKED ? TcpRule.TCP_BLACKHOLE : null;
    WatchRuntime rt =
        new WatchRuntime(
            id, "198.51.100." + id, group, new Tracker(state, m, since, null, 0, null));
    if (state == WatchState.BLOCKED) {
      rt.verdict = Verdict.blocked(m, 0.7, List.of("no SYN-ACK here; the control got one"), true);
    }
    return rt;
  }

  /** Nine of ten watches in two groups blocked a minute ago, one still up. */
  private static List<WatchRuntime> cut() {
    List<WatchRuntime> all = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      all.add(watch(i, i % 2 == 0 ? "news" : "chat", WatchState.BLOCKED, NOW.minusSeconds(60)));
    }
    all.add(watch(10, "local", WatchState.UP, NOW.minusSeconds(3600)));
    return all;
  }

  @Test
  void nineInTenBlockedTogetherAcrossGroupsWithCanariesUpIsOneAllowlistIncident() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = cut();
    mode.look(all, true, NOW);
    assertThat(mode.on()).isTrue();
    assertThat(incidents.opened).hasSize(1);
    assertThat(incidents.opened.get(0))
        .contains("9 of 10 watches (90 %) in 2 groups (chat, news)")
        .contains("ya.ru, vk.com still answer");
    assertThat(incidents.members).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(all.get(0).tracker().method()).isEqualTo(BlockMethod.ALLOWLIST);
    assertThat(all.get(0).methods).containsExactly(BlockMethod.ALLOWLIST);
    assertThat(all.get(0).verdict.reasons().get(0)).contains("allowlist mode");
    assertThat(all.get(9).tracker().state()).isEqualTo(WatchState.UP);

    // Further rounds neither open another nor ask the canaries again.
    mode.look(all, true, NOW.plusSeconds(60));
    assertThat(incidents.opened).hasSize(1);
    assertThat(asked).hasSize(2);
  }

  @Test
  void whileOnABlockIsAnAllowlistBlockAndALateWatchJoins() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = cut();
    mode.look(all, true, NOW);
    Verdict timeout = Verdict.blocked(TcpRule.TCP_BLACKHOLE, 0.7, List.of("no SYN-ACK"), true);
    Verdict told = mode.relabel(all.get(9), timeout);
    assertThat(told.method()).isEqualTo(BlockMethod.ALLOWLIST);
    assertThat(told.reasons()).last().isEqualTo("no SYN-ACK");
    all.get(9).tracker(new Tracker(WatchState.BLOCKED, BlockMethod.ALLOWLIST, NOW, null, 0, null));
    assertThat(mode.joined(all.get(9), 555)).isTrue();
    assertThat(incidents.joined).containsExactly(555L);
    // An up verdict stays what it is.
    assertThat(mode.relabel(all.get(0), Verdict.up(List.of("SYN-ACK"))).state())
        .isEqualTo(WatchState.UP);
  }

  @Test
  void aWatchWhoseBlockIsStoredWhileTheCanariesAreAskedIsAMemberToo() {
    List<WatchRuntime> all = cut();
    WatchRuntime late = watch(11, "chat", WatchState.UP, NOW.minusSeconds(3600));
    all.add(late);
    // Rounds go on while the canaries answer: the late watch's block is stored meanwhile.
    AllowlistMode mode =
        new AllowlistMode(
            config("ya.ru"),
            incidents,
            c -> {
              late.tracker(
                  new Tracker(WatchState.BLOCKED, TcpRule.TCP_BLACKHOLE, NOW, null, 0, null));
              return true;
            });
    mode.look(all, true, NOW);
    assertThat(mode.on()).isTrue();
    assertThat(incidents.opened.get(0)).contains("10 of 11 watches");
    assertThat(incidents.members).contains(11L);
    assertThat(late.tracker().method()).isEqualTo(BlockMethod.ALLOWLIST);
  }

  @Test
  void aBlockStoredJustAfterTheModeOpenedIsTheModesButOneFromBeforeItsWindowIsNot() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = cut();
    mode.look(all, true, NOW);
    Verdict timeout = Verdict.blocked(TcpRule.TCP_BLACKHOLE, 0.7, List.of("no SYN-ACK"), true);
    // Judged before the mode opened, stored after: not a member, blocked by its own method.
    WatchRuntime late = watch(12, "chat", WatchState.BLOCKED, NOW.plusSeconds(1));
    assertThat(mode.relabel(late, timeout).method()).isEqualTo(BlockMethod.ALLOWLIST);
    WatchRuntime old = watch(13, "chat", WatchState.BLOCKED, NOW.minus(Duration.ofHours(1)));
    assertThat(mode.relabel(old, timeout).method()).isEqualTo(TcpRule.TCP_BLACKHOLE);
  }

  @Test
  void liftsOnceWhenMostOfItsWatchesAreReachableAgain() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = cut();
    mode.look(all, true, NOW);
    for (int i = 0; i < 4; i++) {
      all.get(i).tracker(new Tracker(WatchState.UP, null, NOW, null, 0, null));
    }
    mode.look(all, true, NOW.plusSeconds(60));
    assertThat(mode.on()).as("5 of 9 still blocked").isTrue();
    all.get(4).tracker(new Tracker(WatchState.UP, null, NOW, null, 0, null));
    mode.look(all, true, NOW.plusSeconds(120));
    assertThat(mode.on()).isFalse();
    assertThat(incidents.lifted)
        .singleElement()
        .asString()
        .startsWith("ALLOWLIST_LIFTED Allowlist mode lifted: 5 of 9 watches reachable again;")
        .contains("4 still blocked");
    mode.look(all, true, NOW.plusSeconds(180));
    assertThat(incidents.lifted).hasSize(1);
  }

  @Test
  void oneGroupIsAMassBlockNotAllowlistMode() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      all.add(watch(i, "news", WatchState.BLOCKED, NOW.minusSeconds(60)));
    }
    mode.look(all, true, NOW);
    assertThat(mode.on()).isFalse();
    assertThat(asked).isEmpty();
  }

  @Test
  void blocksOfLongAgoDoNotCount() {
    // A user who watches mostly blocked sites: 9 of 10 blocked, but for days.
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      all.add(watch(i, i % 2 == 0 ? "news" : "chat", WatchState.BLOCKED, NOW.minusSeconds(86400)));
    }
    all.add(watch(10, "local", WatchState.UP, NOW.minusSeconds(3600)));
    mode.look(all, true, NOW);
    assertThat(mode.on()).isFalse();
  }

  @Test
  void tooSmallAShareIsNotAllowlistMode() {
    AllowlistMode mode = mode(true);
    List<WatchRuntime> all = cut();
    for (int i = 11; i <= 13; i++) {
      all.add(watch(i, "local", WatchState.UP, NOW.minusSeconds(3600)));
    }
    mode.look(all, true, NOW); // 9 of 13: 69 %
    assertThat(mode.on()).isFalse();
  }

  @Test
  void silentCanariesOrNoControlMeanSomethingElse() {
    AllowlistMode silent = mode(false);
    silent.look(cut(), true, NOW);
    assertThat(silent.on()).as("the vantage may be losing its uplink").isFalse();
    assertThat(asked).containsExactlyInAnyOrder("ya.ru", "vk.com");
    // Not asked again within half a minute.
    silent.look(cut(), true, NOW.plusSeconds(10));
    assertThat(asked).hasSize(2);

    AllowlistMode noControl = mode(true);
    asked.clear();
    noControl.look(cut(), false, NOW);
    assertThat(noControl.on()).isFalse();
    assertThat(asked).isEmpty();
  }

  @Test
  void canariesNoneTurnsItOff() {
    AllowlistMode off = new AllowlistMode(config("none"), incidents, c -> true);
    off.look(cut(), true, NOW);
    assertThat(off.on()).isFalse();
  }

  @Test
  void aCanaryIsAskedOnItsPort() throws Exception {
    try (var server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(AllowlistMode.answers("127.0.0.1:" + server.getLocalPort())).isTrue();
    }
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThat(AllowlistMode.answers("127.0.0.1:" + closed)).isFalse();
    assertThat(AllowlistMode.answers("not a host!")).isFalse();
    assertThat(Set.of(AllowlistMode.span(Duration.ofMinutes(10)))).containsExactly("10 min");
  }
}
