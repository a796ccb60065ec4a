package dev.detour.probe.http;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.PerPort;
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
        new Check(15, HttpRule::anotherPage),
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
    PerPort found = new PerPort();
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
        found.port(true, List.of(reason), false);
        continue;
      }
      againstControl(sight, found, page, reason, false);
    }
    return found.verdict(
        HTTP_BLOCKPAGE, sight.withControl() ? Verdicts.CONFIRMED : Verdicts.SIGNATURE_ONLY);
  }

  /**
   * A port's signature, confirmed when the control gets that port's page, and it is no block page.
   */
  private static void againstControl(
      Sight sight, PerPort found, HttpEvidence page, String reason, boolean timeouts) {
    Optional<HttpEvidence> there = page(sight.there().observation(), port(page));
    boolean ok =
        there.isPresent()
            && there.get().stage() == HttpStage.RESPONSE
            && there.get().blockPage() == null;
    found.port(
        ok,
        List.of(reason, "control: " + there.map(HttpRule::describe).orElse("not probed")),
        timeouts);
  }

  private static Optional<Verdict> tampered(Sight sight) {
    PerPort found = new PerPort();
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
        if (reset) {
          found.port(true, List.of(reason), false);
        }
        continue;
      }
      againstControl(sight, found, page, reason, stalled);
    }
    return found.verdict(
        HTTP_TAMPERED,
        sight.withControl() ? Verdicts.CONFIRMED : Verdicts.SIGNATURE_ONLY,
        Verdicts.COMPARED);
  }

  /**
   * A page here that is not the page the control gets — another status, a redirect off the host the
   * control does not get, or another body (its length off by more than 30 % and another title) — is
   * a block page, even one no list knows.
   */
  private static Optional<Verdict> anotherPage(Sight sight) {
    if (!sight.withControl()) {
      return Optional.empty();
    }
    PerPort found = new PerPort();
    for (HttpEvidence page : pages(sight.here().observation())) {
      if (page.stage() != HttpStage.RESPONSE || page.blockPage() != null) {
        continue;
      }
      Optional<HttpEvidence> there =
          page(sight.there().observation(), port(page))
              .filter(p -> p.stage() == HttpStage.RESPONSE && p.blockPage() == null);
      if (there.isEmpty() || samePage(page, there.get())) {
        continue;
      }
      found.port(
          true,
          List.of(
              page.url() + " → " + shown(page) + " here",
              "control: " + shown(there.get()) + " — not the same page"),
          false);
    }
    return found.verdict(HTTP_BLOCKPAGE, Verdicts.COMPARED);
  }

  /**
   * Whether two answers are the same page (the rule OONI's web connectivity test reads pages by):
   * the same status, no redirect off the host on one side only, and the same title or a body of
   * about the same length (the shorter at least 70 % of the longer). A body cut short (the probe's
   * read limit, or the deadline on a slow page) is at least as long as what came: it differs from a
   * whole one only when that is shorter than 70 % of what came of it; two cut bodies are told by
   * their titles.
   */
  public static boolean samePage(HttpEvidence a, HttpEvidence b) {
    if (!java.util.Objects.equals(a.status(), b.status())) {
      return false;
    }
    if (offHost(a) != offHost(b)) {
      return false;
    }
    if (a.title() != null && a.title().equalsIgnoreCase(String.valueOf(b.title()))) {
      return true;
    }
    long x = a.bodyLength() == null ? 0 : a.bodyLength();
    long y = b.bodyLength() == null ? 0 : b.bodyLength();
    if (a.cut() && b.cut()) {
      return a.title() == null || b.title() == null;
    }
    if (a.cut() || b.cut()) {
      long whole = a.cut() ? y : x;
      long atLeast = a.cut() ? x : y;
      return whole >= 0.7 * atLeast;
    }
    return Math.max(x, y) == 0 || (double) Math.min(x, y) / Math.max(x, y) > 0.7;
  }

  /** Whether an answer sends the browser to another host than it asked. */
  static boolean offHost(HttpEvidence page) {
    if (page.location() == null) {
      return false;
    }
    try {
      String host = java.net.URI.create(page.location().strip()).getHost();
      String asked = java.net.URI.create(page.url()).getHost();
      return host != null && asked != null && !host.equalsIgnoreCase(asked);
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
  }

  /** A page in a few words: "302 Location: …", "200 «title» (48,210 bytes)". */
  public static String shown(HttpEvidence page) {
    return page.status()
        + (page.location() != null ? " Location: " + page.location() : "")
        + (page.title() != null ? " «" + page.title() + "»" : "")
        + String.format(
            java.util.Locale.ROOT,
            " (%,d bytes)",
            page.bodyLength() == null ? 0 : page.bodyLength());
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
          + (page.blockPage() != null ? " (block page " + page.blockPage() + ")" : "")
          + (page.cut() ? " (" + page.error() + ")" : "");
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
