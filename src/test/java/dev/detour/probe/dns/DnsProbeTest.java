package dev.detour.probe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * What the DNS probe makes of answers, from a resolver of the test's own on loopback: the addresses
 * read, bogons and block pages told apart, and packets a censor could forge — garbage, a header
 * that promises 65,535 records of each section and brings none, another query's id — skipped
 * without harm while the real answer still counts.
 */
class DnsProbeTest {

  private static final String NAME = "blocked.example.";

  @Test
  void bogonsAreAddressesNoPublicSiteHas() {
    assertThat(DnsProbe.isBogon("10.1.2.3")).isTrue();
    assertThat(DnsProbe.isBogon("192.168.0.1")).isTrue();
    assertThat(DnsProbe.isBogon("127.0.0.1")).isTrue();
    assertThat(DnsProbe.isBogon("0.0.0.0")).isTrue();
    assertThat(DnsProbe.isBogon("169.254.1.1")).isTrue();
    assertThat(DnsProbe.isBogon("::1")).isTrue();
    assertThat(DnsProbe.isBogon("149.154.167.99")).isFalse();
    assertThat(DnsProbe.isBogon("2001:67c:4e8:f004::9")).isFalse();
  }

  /** Answers one query with the packets {@code replies} makes of it, in order. */
  private static DnsEvidence askLoopback(Function<Message, List<byte[]>> replies) throws Exception {
    try (DatagramSocket resolver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try {
                  byte[] buffer = new byte[512];
                  DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                  resolver.receive(in);
                  Message query =
                      new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
                  for (byte[] reply : replies.apply(query)) {
                    resolver.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      DnsProbe probe = new DnsProbe(Duration.ofSeconds(3), Set.of("198.51.100.66"));
      DnsEvidence evidence =
          probe.query(
              NAME,
              "A",
              new InetSocketAddress(InetAddress.getLoopbackAddress(), resolver.getLocalPort()),
              null);
      served.join();
      return evidence;
    }
  }

  private static byte[] answer(Message query, int rcode, String... addresses) throws Exception {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RD);
    m.getHeader().setFlag(Flags.RA);
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    for (String a : addresses) {
      m.addRecord(
          new ARecord(query.getQuestion().getName(), DClass.IN, 60, InetAddress.getByName(a)),
          Section.ANSWER);
    }
    return m.toWire();
  }

  @Test
  void anAnswerIsReadWithItsBogonsAndBlockPages() throws Exception {
    DnsEvidence e =
        askLoopback(
            q -> List.of(uncheck(() -> answer(q, Rcode.NOERROR, "198.51.100.66", "10.0.0.1"))));
    assertThat(e.error()).isNull();
    assertThat(e.rcode()).isEqualTo("NOERROR");
    assertThat(e.addresses()).containsExactly("198.51.100.66", "10.0.0.1");
    assertThat(e.bogons()).containsExactly("10.0.0.1");
    assertThat(e.blockPageAddresses()).containsExactly("198.51.100.66");

    DnsEvidence none = askLoopback(q -> List.of(uncheck(() -> answer(q, Rcode.NXDOMAIN))));
    assertThat(none.rcode()).isEqualTo("NXDOMAIN");
    assertThat(none.addresses()).isEmpty();
  }

  @Test
  void forgedPacketsAreSkippedAndTheRealAnswerCounts() throws Exception {
    DnsEvidence e =
        askLoopback(
            q -> {
              int id = q.getHeader().getID();
              List<byte[]> packets = new ArrayList<>();
              packets.add(new byte[] {(byte) (id >> 8), (byte) id, 1, 2, 3});
              // A header promising 65,535 questions, answers, authorities and additionals, no body.
              packets.add(
                  ByteBuffer.allocate(12)
                      .putShort((short) id)
                      .putShort((short) 0x8180)
                      .putShort((short) 0xffff)
                      .putShort((short) 0xffff)
                      .putShort((short) 0xffff)
                      .putShort((short) 0xffff)
                      .array());
              Message other = new Message((id + 1) & 0xffff);
              other.getHeader().setFlag(Flags.QR);
              packets.add(other.toWire());
              packets.add(uncheck(() -> answer(q, Rcode.NOERROR, "203.0.113.9")));
              return packets;
            });
    assertThat(e.error()).isNull();
    assertThat(e.addresses()).containsExactly("203.0.113.9");
  }

  private interface Io<T> {
    T get() throws Exception;
  }

  private static <T> T uncheck(Io<T> io) {
    try {
      return io.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
