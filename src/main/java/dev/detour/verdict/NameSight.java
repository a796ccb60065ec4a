package dev.detour.verdict;

import dev.detour.probe.Evidence;
import java.util.List;
import java.util.Optional;

/**
 * What a round saw of a name: its answers here and from the control vantage (null without one), and
 * what each of its addresses did here and through the control — so a lie can be told from a local
 * address by what that address serves (OONI's web connectivity: the same certificate, the same
 * page).
 */
public record NameSight(Evidence here, Evidence there, List<Address> addresses) {

  /**
   * One address of the name as probed: here, and through the control (null without one).
   *
   * @param address as probed
   */
  public record Address(String address, Observation here, Observation there) {}

  public Optional<Address> address(String address) {
    return addresses.stream().filter(a -> a.address().equals(address)).findFirst();
  }
}
