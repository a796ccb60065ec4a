package dev.detour.probe.icmp;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.detour.probe.Evidence;
import dev.detour.probe.packet.PacketView;
import java.util.List;

/**
 * A burst of echo requests and what came back: each reply's round trip, TTL and IP-ID, how many
 * were lost, and any ICMP error a router sent instead.
 *
 * @param hops hop estimate from the replies' TTL, or -1 without replies
 */
public record IcmpEvidence(
    String target, int sent, List<Reply> replies, List<PacketView> errors, int hops)
    implements Evidence {

  /** One echo reply. */
  public record Reply(int sequence, long rttMicros, int ttl, int ipId, PacketView packet) {}

  @JsonProperty("lost")
  public int lost() {
    return sent - replies.size();
  }

  @JsonProperty("loss")
  public double loss() {
    return sent == 0 ? 0 : (double) lost() / sent;
  }
}
