package dev.detour.probe.tcp;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import java.util.List;

/**
 * One SYN of one shape to one port and everything that answered it within the wait, with the
 * packets as they were: enough to tell the host's own SYN-ACK or RST from an injected one (TTL,
 * IP-ID, window, seq/ack, several RSTs, arriving too soon).
 *
 * @param sent the SYN as sent
 * @param answers every packet that concerned it, in order of arrival
 * @param firstAnswerMicros microseconds from sending to the first answer, or -1
 */
public record SynEvidence(
    SynShape shape,
    int port,
    PacketView sent,
    List<PacketView> answers,
    SynAnswer answer,
    long firstAnswerMicros) {

  /** How many resets answered this SYN: more than one is a sign of injection. */
  @JsonProperty("resets")
  public long resets() {
    return answers.stream().filter(a -> a.tcp() != null && a.tcp().rst()).count();
  }
}
