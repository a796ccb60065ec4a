package dev.detour.probe.packet;

/** What every packet channel knows from the start: the route it sends by and the link's kind. */
abstract class ChannelBase implements PacketChannel {

  private final Route route;
  private final boolean ethernet;

  ChannelBase(Route route, boolean ethernet) {
    this.route = route;
    this.ethernet = ethernet;
  }

  @Override
  public final Route route() {
    return route;
  }

  @Override
  public final boolean ethernet() {
    return ethernet;
  }
}
