package dev.detour.lab;

import dev.detour.probe.packet.Libpcap;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;

/**
 * The censor's packet injector, run in {@code isp}: it watches the SYNs that come from home and
 * answers those a rule names with a forged RST, as the seed's ISP did. The SYN itself is dropped by
 * the censor's nftables rule, so the real host never answers.
 *
 * <p>Rules, one per line in the rules file (re-read when it changes): {@code STYLE ADDRESS PORT TTL
 * MINLEN}. STYLE {@code seed} forges the seed's malformed RST (RST without ACK, seq 0, IP-ID 1, no
 * DF: the kernel ignores it, so {@code connect()} times out); {@code ack} a well-formed RST+ACK
 * ({@code connect()} is refused). The RST leaves with TTL. Only SYNs whose IP total length is above
 * MINLEN match ({@code 44}: only SYNs with more options than MSS, the seed's DPI).
 *
 * <p>An IPv6 ADDRESS forges over IPv6: TTL is the hop limit, the length counts the 40-byte header
 * as IPv4's total length counts its own (a bare MSS-only SYN is 64 bytes, Linux's 80), and the seed
 * style, IPv6 having no IP-ID or DF, is the RST without ACK and seq 0 with a zero flow label (Linux
 * labels its own flows).
 *
 * <p>Arguments: the interface facing home, the rules file.
 */
public final class RstInjector {

  record Rule(boolean seedStyle, InetAddress address, int port, int ttl, int minLength) {}

  private final Path rulesFile;
  private FileTime loaded;
  private List<Rule> rules = List.of();

  private RstInjector(Path rulesFile) {
    this.rulesFile = rulesFile;
  }

  public static void main(String[] args) throws Exception {
    Libpcap.Result pcap = Libpcap.load();
    if (pcap.version().isEmpty()) {
      throw new IllegalStateException(pcap.problem());
    }
    String iface = args[0];
    RstInjector injector = new RstInjector(Path.of(args[1]));
    PcapHandle handle =
        new PcapHandle.Builder(iface)
            .snaplen(256)
            .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(50)
            .immediateMode(true)
            .direction(PcapHandle.PcapDirection.IN)
            .build();
    handle.setFilter(
        // BPF's tcp[] does not reach into IPv6: there the flags are byte 13 of the TCP header that
        // follows the 40-byte IPv6 header (SYNs carry no extension headers).
        "(ip and tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn)"
            + " or (ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02)",
        BpfProgram.BpfCompileMode.OPTIMIZE);
    System.out.println("capturing on " + iface + " (" + pcap.version().get() + ")");
    while (true) {
      Packet packet;
      try {
        packet = handle.getNextPacketEx();
      } catch (TimeoutException idle) {
        continue;
      } catch (EOFException closed) {
        return;
      }
      injector.reload();
      Packet rst = injector.answer(packet);
      if (rst != null) {
        handle.sendPacket(rst);
      }
    }
  }

  private void reload() throws IOException {
    FileTime modified = Files.getLastModifiedTime(rulesFile);
    if (modified.equals(loaded)) {
      return;
    }
    List<Rule> read = new ArrayList<>();
    for (String line : Files.readAllLines(rulesFile)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 5) {
        read.add(
            new Rule(
                f[0].equals("seed"),
                InetAddress.getByName(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Integer.parseInt(f[4])));
      }
    }
    rules = read;
    loaded = modified;
    System.out.println("rules: " + rules);
  }

  private Packet answer(Packet packet) {
    EthernetPacket eth = packet.get(EthernetPacket.class);
    IpV4Packet ip = packet.get(IpV4Packet.class);
    IpV6Packet ip6 = packet.get(IpV6Packet.class);
    TcpPacket tcp = packet.get(TcpPacket.class);
    if (eth == null || (ip == null && ip6 == null) || tcp == null) {
      return null;
    }
    InetAddress src = ip != null ? ip.getHeader().getSrcAddr() : ip6.getHeader().getSrcAddr();
    InetAddress dst = ip != null ? ip.getHeader().getDstAddr() : ip6.getHeader().getDstAddr();
    int length =
        ip != null
            ? ip.getHeader().getTotalLengthAsInt()
            : 40 + ip6.getHeader().getPayloadLengthAsInt();
    TcpPacket.TcpHeader th = tcp.getHeader();
    for (Rule rule : rules) {
      if (rule.address().equals(dst)
          && rule.port() == th.getDstPort().valueAsInt()
          && length > rule.minLength()) {
        System.out.printf(
            "SYN %s:%d > %s:%d len %d -> %s RST %s %d%n",
            src.getHostAddress(),
            th.getSrcPort().valueAsInt(),
            dst.getHostAddress(),
            th.getDstPort().valueAsInt(),
            length,
            rule.seedStyle() ? "seed" : "ack",
            ip != null ? "ttl" : "hlim",
            rule.ttl());
        return ip != null ? forge(eth, ip.getHeader(), th, rule) : forge6(eth, ip6, th, rule);
      }
    }
    return null;
  }

  private static TcpPacket.Builder rst(
      TcpPacket.TcpHeader th, InetAddress server, InetAddress client, Rule rule) {
    return new TcpPacket.Builder()
        .srcPort(th.getDstPort())
        .dstPort(th.getSrcPort())
        .srcAddr(server)
        .dstAddr(client)
        .sequenceNumber(0)
        .acknowledgmentNumber(rule.seedStyle() ? 0 : th.getSequenceNumber() + 1)
        .dataOffset((byte) 5)
        .rst(true)
        .ack(!rule.seedStyle())
        .window(rule.seedStyle() ? th.getWindow() : 0)
        .correctChecksumAtBuild(true)
        .correctLengthAtBuild(true);
  }

  /** The RST over IPv6: the rule's TTL as hop limit, no flow label. */
  private static Packet forge6(
      EthernetPacket eth, IpV6Packet ip6, TcpPacket.TcpHeader th, Rule rule) {
    Inet6Address client = ip6.getHeader().getSrcAddr();
    Inet6Address server = ip6.getHeader().getDstAddr();
    IpV6Packet.Builder ip =
        new IpV6Packet.Builder()
            .version(IpVersion.IPV6)
            .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
            .flowLabel(IpV6SimpleFlowLabel.newInstance(0))
            .nextHeader(IpNumber.TCP)
            .hopLimit((byte) rule.ttl())
            .srcAddr(server)
            .dstAddr(client)
            .payloadBuilder(rst(th, server, client, rule))
            .correctLengthAtBuild(true);
    return new EthernetPacket.Builder()
        .srcAddr(eth.getHeader().getDstAddr())
        .dstAddr(eth.getHeader().getSrcAddr())
        .type(EtherType.IPV6)
        .payloadBuilder(ip)
        .paddingAtBuild(true)
        .build();
  }

  private static Packet forge(
      EthernetPacket eth, IpV4Packet.IpV4Header ih, TcpPacket.TcpHeader th, Rule rule) {
    Inet4Address client = ih.getSrcAddr();
    Inet4Address server = ih.getDstAddr();
    TcpPacket.Builder tcp = rst(th, server, client, rule);
    IpV4Packet.Builder ip =
        new IpV4Packet.Builder()
            .version(IpVersion.IPV4)
            .tos(IpV4Rfc791Tos.newInstance((byte) 0))
            .identification(
                rule.seedStyle()
                    ? (short) 1
                    : (short) ThreadLocalRandom.current().nextInt(2, 65536))
            .dontFragmentFlag(!rule.seedStyle())
            .ttl((byte) rule.ttl())
            .protocol(IpNumber.TCP)
            .srcAddr(server)
            .dstAddr(client)
            .payloadBuilder(tcp)
            .correctChecksumAtBuild(true)
            .correctLengthAtBuild(true);
    return new EthernetPacket.Builder()
        .srcAddr(eth.getHeader().getDstAddr())
        .dstAddr(eth.getHeader().getSrcAddr())
        .type(EtherType.IPV4)
        .payloadBuilder(ip)
        .paddingAtBuild(true)
        .build();
  }
}
