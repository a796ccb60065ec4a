package dev.detour.verdict;

/**
 * How a target's genuine packets look from here, learned from clean rounds: the hop distance of its
 * SYN-ACKs and echo replies. An injected reset usually comes from fewer hops away (the censor sits
 * between), which is what gives it away when the host's own packets are absent that round.
 *
 * @param synAckHops hops of the host's SYN-ACK or its own RST, or -1 if never seen
 * @param echoHops hops of its echo replies, or -1 if never seen
 * @param window the SYN-ACK's window, or -1
 */
public record HostTemplate(int synAckHops, int echoHops, int window) {

  public static final HostTemplate NONE = new HostTemplate(-1, -1, -1);

  /** The hop count genuine packets come from, or -1 when nothing genuine was ever seen. */
  public int hops() {
    return synAckHops >= 0 ? synAckHops : echoHops;
  }

  /** This template updated with a round's genuine observations (-1 keeps the old value). */
  public HostTemplate learn(int synAckHops, int echoHops, int window) {
    return new HostTemplate(
        synAckHops >= 0 ? synAckHops : this.synAckHops,
        echoHops >= 0 ? echoHops : this.echoHops,
        window >= 0 ? window : this.window);
  }
}
