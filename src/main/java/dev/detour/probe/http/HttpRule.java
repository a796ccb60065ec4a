package dev.detour.probe.http;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Sight;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the HTTP probe's evidence says: a known block page (or a redirect to one), a request reset
 * or stalled once the Host is seen, and — when no TCP probe ran — connects that time out here and
 * succeed through the control vantage.
 */
public final class HttpRule implements VerdictRule {

  /** The HTTP answer is, or redirects to, a known block page. */
  public static final BlockMethod HTTP_BLOCKPAGE =
      BlockMethod.spec("http_blockpage", 20, "block page")
          .traceable()
          .restsOn("tcp_syn", "tcp_connect", "http")
          .define();

  /** The handshake completes but the request is reset or stalls once Host is seen. */
  public static final BlockMethod HTTP_TAMPERED =
      BlockMethod.spec("http_tampered", 60, "HTTP tampering").traceable().restsOn("http").define();

  @Override
  public ProbeKind kind() {
    return HttpProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(HTTP_BLOCKPAGE, HTTP_TAMPERED);
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public List<Check> checks() {
    return List.of(
        new Check(10, HttpRule::blockPage),
        new Check(50, HttpRule::tampered),
        new Check(61, HttpRule::connectsVanish));
  }

  static List<HttpEvidence> pages(Observation o) {
    return o.evidence(WebEvidence.class).map(WebEvidence::pages).orElse(List.of());
  }

  /** The HTTP(S) exchange on a port, if one ran. */
  static Optional<HttpEvidence> page(Observation o, int port) {
    return pages(o).stream().filter(p -> port(p) == port).findFirst();
  }

  /** Whether a complete, genuine HTTP answer came back on any port (not a block page). */
  @Override
  public boolean answers(Sight.Side side) {
    return pages(side.observation()).stream()
        .anyMatch(p -> p.stage() == HttpStage.RESPONSE && p.blockPage() == null);
  }

  @Override
  public void upReasons(Sight.Side side, List<String> out) {
    pages(side.observation()).forEach(p -> out.add(describe(p)));
  }

  private static Optional<Verdict> blockPage(Sight sight) {
    for (HttpEvidence page : pages(sight.here().observation())) {
      if (page.blockPage() == null) {
        continue;
      }
      String reason =
          page.url()
              + " → "
              + (page.location() != null
                  ? page.status() + " Location: " + page.location()
                  : page.status() + " " + page.title())
              + " (block page "
              + page.blockPage()
              + ")";
      if (!sight.withControl()) {
        return Optional.of(
            Verdict.blocked(HTTP_BLOCKPAGE, Verdicts.SIGNATURE_ONLY, List.of(reason), false));
      }
      Optional<HttpEvidence> there = page(sight.there().observation(), port(page));
      Verdict v =
          Verdict.blocked(
              HTTP_BLOCKPAGE,
              Verdicts.CONFIRMED,
              List.of(reason, "control: " + there.map(HttpRule::describe).orElse("not probed")),
              false);
      if (there.isPresent()
          && there.get().stage() == HttpStage.RESPONSE
          && there.get().blockPage() == null) {
        return Optional.of(v);
      }
      return Optional.of(Verdicts.unconfirmed(v));
    }
    return Optional.empty();
  }

  private static Optional<Verdict> tampered(Sight sight) {
    for (HttpEvidence page : pages(sight.here().observation())) {
      boolean reset = page.stage() == HttpStage.REQUEST_RESET;
      boolean stalled = page.stage() == HttpStage.REQUEST_TIMEOUT;
      if (!reset && !stalled) {
        continue;
      }
      String reason =
          page.url()
              + ": handshake done in "
              + page.connectMillis()
              + " ms, then the request "
              + (reset ? "is reset" : "stalls")
              + (page.error() != null ? " (" + page.error() + ")" : "");
      if (!sight.withControl()) {
        // A reset right after the request is a censor's signature; a stall alone is not.
        if (!reset) {
          continue;
        }
        return Optional.of(
            Verdict.blocked(HTTP_TAMPERED, Verdicts.SIGNATURE_ONLY, List.of(reason), false));
      }
      Optional<HttpEvidence> there = page(sight.there().observation(), port(page));
      boolean ok =
          there.isPresent()
              && there.get().stage() == HttpStage.RESPONSE
              && there.get().blockPage() == null;
      Verdict v =
          Verdict.blocked(
              HTTP_TAMPERED,
              reset ? Verdicts.CONFIRMED : Verdicts.COMPARED,
              List.of(reason, "control: " + there.map(HttpRule::describe).orElse("not probed")),
              stalled);
      return Optional.of(ok ? v : Verdicts.unconfirmed(v));
    }
    return Optional.empty();
  }

  /** Without TCP evidence, an HTTP connect that times out where the control connects. */
  private static Optional<Verdict> connectsVanish(Sight sight) {
    if (!sight.withControl() || TcpRule.probed(sight.here())) {
      return Optional.empty();
    }
    Set<Integer> silent = new TreeSet<>();
    for (HttpEvidence page : pages(sight.here().observation())) {
      int port = port(page);
      if (page.stage() == HttpStage.CONNECT_TIMEOUT
          && page(sight.there().observation(), port)
              .filter(p -> p.stage() == HttpStage.RESPONSE)
              .isPresent()) {
        silent.add(port);
      }
    }
    return silent.isEmpty() ? Optional.empty() : Optional.of(TcpRule.blackhole(sight, silent));
  }

  /** A page in a line: "http://… → 200 Location: …" or its stage. */
  public static String describe(HttpEvidence page) {
    if (page.stage() == HttpStage.RESPONSE) {
      return page.url()
          + " → "
          + page.status()
          + (page.location() != null ? " Location: " + page.location() : "")
          + (page.blockPage() != null ? " (block page " + page.blockPage() + ")" : "");
    }
    return page.url() + " → " + page.stage().label();
  }

  static int port(HttpEvidence page) {
    String url = page.url();
    int colon = url.lastIndexOf(':');
    int slash = url.indexOf('/', colon);
    return Integer.parseInt(url.substring(colon + 1, slash < 0 ? url.length() : slash));
  }
}
