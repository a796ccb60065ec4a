package dev.detour.verdict;

import dev.detour.targets.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A watch's verdict from its parts: its name's (DNS) and its addresses'. A name blocked by a lying
 * resolver is blocked whatever its addresses do; otherwise any blocked address blocks it (by the
 * method of the lowest rank), else any that works makes it up, else it is down.
 */
public final class HostVerdicts {

  private HostVerdicts() {}

  /** One verdict from the name's (null when it has none) and the addresses'. */
  public static Verdict combine(Verdict name, List<Verdict> addresses) {
    if (name != null && name.state() == WatchState.BLOCKED) {
      List<String> reasons = new ArrayList<>(name.reasons());
      addresses.stream()
          .filter(v -> v.state() == WatchState.BLOCKED)
          .forEach(v -> reasons.add("and an address: " + v.method().label()));
      return new Verdict(
          WatchState.BLOCKED, name.method(), name.confidence(), List.copyOf(reasons), false);
    }
    Verdict best = null;
    for (Verdict v : addresses) {
      if (best == null || rank(v) < rank(best)) {
        best = v;
      }
    }
    return best == null ? Verdict.unknown("no address to probe") : best;
  }

  /**
   * Which family is blocked, when a name's addresses span both and the families fare differently
   * (the censor's lists or boxes often lag on one): {@code "IPv4 blocked (rst_injected:
   * 203.0.113.5); IPv6 up (2001:db8::5)"}; null when they fare alike or one family is all there is.
   *
   * @param addresses the addresses probed, in the order of {@code verdicts}
   */
  public static String families(List<String> addresses, List<Verdict> verdicts) {
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    Verdict best4 = null;
    Verdict best6 = null;
    for (int i = 0; i < addresses.size() && i < verdicts.size(); i++) {
      Verdict v = verdicts.get(i);
      if (Addresses.isV6(addresses.get(i))) {
        v6.add(addresses.get(i));
        best6 = best6 == null || rank(v) < rank(best6) ? v : best6;
      } else {
        v4.add(addresses.get(i));
        best4 = best4 == null || rank(v) < rank(best4) ? v : best4;
      }
    }
    if (best4 == null
        || best6 == null
        || (best4.state() == best6.state() && best4.method() == best6.method())) {
      return null;
    }
    return family("IPv4", best4, addresses, verdicts, v4)
        + "; "
        + family("IPv6", best6, addresses, verdicts, v6);
  }

  private static String family(
      String name, Verdict best, List<String> addresses, List<Verdict> all, List<String> mine) {
    List<String> which =
        mine.stream().filter(a -> all.get(addresses.indexOf(a)).state() == best.state()).toList();
    String state = best.state().name().toLowerCase(java.util.Locale.ROOT);
    String method = best.method() == null ? "" : best.method().label() + ": ";
    return name + " " + state + " (" + method + String.join(", ", which) + ")";
  }

  private static int rank(Verdict v) {
    return switch (v.state()) {
      case BLOCKED -> v.method().rank();
      case UP -> Integer.MAX_VALUE - 3;
      case DOWN -> Integer.MAX_VALUE - 2;
      case UNKNOWN -> Integer.MAX_VALUE - 1;
    };
  }

  /** Every method among the name's and the addresses' verdicts, not only the first. */
  public static Set<BlockMethod> methods(Verdict name, List<Verdict> addresses) {
    Set<BlockMethod> all = new TreeSet<>();
    if (name != null && name.method() != null) {
      all.add(name.method());
    }
    addresses.stream().filter(v -> v.method() != null).forEach(v -> all.add(v.method()));
    return all;
  }

  /**
   * The verdict of a name that resolves to no address.
   *
   * @param name the name's own verdict (a lying resolver), or null
   * @param resolversSilent this host's resolvers did not answer at all
   * @param controlAsked the control vantage was asked too
   */
  public static Verdict noAddress(
      Verdict name, boolean resolversSilent, boolean controlAsked, String host) {
    if (name != null) {
      return name;
    }
    if (resolversSilent && !controlAsked) {
      // A resolver that does not answer says nothing about the site.
      return Verdict.unknown("this host's resolvers do not answer for " + host);
    }
    return Verdict.down(List.of(host + " resolves to no address, here or from the control"));
  }

  /**
   * An address that does not work here, whose control vantage answered the health check but not
   * this probe: this round cannot tell a block from a dead site, so it neither counts nor breaks a
   * run.
   */
  public static Verdict controlSilent(Verdict here, String address) {
    Verdict unsure = Verdict.unknown("the control vantage did not answer for " + address);
    for (String reason : here.reasons()) {
      unsure = unsure.because(reason);
    }
    return unsure;
  }
}
