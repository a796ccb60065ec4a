package dev.detour.probe.icmp;

import dev.detour.probe.ProbeKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Sight;
import dev.detour.verdict.VerdictRule;
import java.util.List;

/**
 * What the echo probe's evidence says: whether the target answers ping. Filtered pings alone are no
 * censorship of the service (the TCP rule tells them apart: the host answers TCP here).
 */
public final class IcmpRule implements VerdictRule {

  /** Only ICMP echo is filtered: reported, never routed. */
  public static final BlockMethod ICMP_ONLY_FILTERED =
      BlockMethod.spec("icmp_only_filtered", 80, "ping filtered")
          .notRoutable()
          .restsOn("icmp")
          .define();

  @Override
  public ProbeKind kind() {
    return IcmpProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(ICMP_ONLY_FILTERED);
  }

  @Override
  public int order() {
    return 20;
  }

  /** Whether an echo request of this observation was answered. */
  public static boolean echoAnswered(Observation o) {
    return o.evidence(IcmpEvidence.class).map(i -> !i.replies().isEmpty()).orElse(false);
  }

  @Override
  public boolean answers(Sight.Side side) {
    return echoAnswered(side.observation());
  }

  @Override
  public void upReasons(Sight.Side side, List<String> out) {
    side.observation()
        .evidence(IcmpEvidence.class)
        .ifPresent(
            i ->
                out.add(
                    "echo: "
                        + i.replies().size()
                        + "/"
                        + i.sent()
                        + " answered, "
                        + i.hops()
                        + " hops"));
  }
}
