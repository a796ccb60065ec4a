package dev.detour.probe.dns;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.Scope;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks one resolver one question over UDP, from a chosen source address (a tunnel's, for the
 * control side), and keeps the whole answer. dnsjava reads and writes the messages; the exchange is
 * a plain datagram so its timing and source are exactly the probe's.
 */
@Singleton
public final class DnsProbe implements Probe<DnsAnswers> {

  public static final ProbeKind KIND = ProbeKind.of("dns");

  private static final int MAX_ANSWER = 4096;

  private final Duration timeout;
  private final Set<String> blockPageAddresses;
  private final List<InetSocketAddress> extraResolvers;

  public DnsProbe(Duration timeout, Set<String> blockPageAddresses) {
    this(timeout, blockPageAddresses, List.of());
  }

  DnsProbe(
      Duration timeout, Set<String> blockPageAddresses, List<InetSocketAddress> extraResolvers) {
    this.timeout = timeout;
    this.blockPageAddresses = Set.copyOf(blockPageAddresses);
    this.extraResolvers = List.copyOf(extraResolvers);
  }

  @Inject
  public DnsProbe(ProbeConfig config) {
    this(
        config.timeout(),
        config.blockPageAddresses().orElse(Set.of()),
        config.dnsResolvers().orElse(List.of()).stream()
            .map(r -> new InetSocketAddress(r.strip(), 53))
            .toList());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 60;
  }

  /** A round asks once for the watch's name, not once an address. */
  @Override
  public Scope scope() {
    return Scope.NAME;
  }

  @Override
  public String unavailable(ProbeRequest request) {
    return request.name() == null ? "a bare address has no name to resolve" : null;
  }

  @Override
  public Rendering render(DnsAnswers e) {
    return new Rendering(
        e.answers().size() + " answers",
        e.answers().stream().map(d -> Rendering.Line.plain(line("asked", d))).toList());
  }

  /**
   * One answer in a line, as the pages show it: {@code here: lab.test A @192.0.2.1:53 → NOERROR
   * 203.0.113.10 (3 ms)}, with bogons, block-page addresses and errors.
   *
   * @param side who asked: "here", "control", "asked"
   */
  public static String line(String side, DnsEvidence d) {
    StringBuilder s =
        new StringBuilder(side)
            .append(": ")
            .append(d.name())
            .append(' ')
            .append(d.type())
            .append(" @")
            .append(d.resolver())
            .append(" → ")
            .append(d.rcode() == null ? "" : d.rcode());
    if (!d.addresses().isEmpty()) {
      s.append(' ').append(String.join(", ", d.addresses()));
    }
    if (!d.bogons().isEmpty()) {
      s.append(" · bogons ").append(jsonList(d.bogons()));
    }
    if (!d.blockPageAddresses().isEmpty()) {
      s.append(" · block-page addresses ").append(jsonList(d.blockPageAddresses()));
    }
    if (d.error() != null) {
      s.append(" · ").append(d.error());
    }
    return s.append(" (").append(d.millis()).append(" ms)").toString();
  }

  private static String jsonList(List<String> items) {
    return "[" + String.join(",", items.stream().map(i -> '"' + i + '"').toList()) + "]";
  }

  @Override
  public Class<DnsAnswers> evidenceType() {
    return DnsAnswers.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  /**
   * The name's A and AAAA records from each resolver this host uses and each of {@code
   * detour.probe.dns.resolvers}.
   */
  @Override
  public DnsAnswers run(ProbeRequest request) throws IOException {
    if (request.name() == null) {
      throw new IOException(unavailable(request));
    }
    List<InetSocketAddress> resolvers = new ArrayList<>(systemResolvers());
    resolvers.addAll(extraResolvers);
    return ask(request.name(), resolvers, request.source(), false);
  }

  /**
   * The name's A and AAAA answers from each of these resolvers in turn.
   *
   * @param local the source address to ask from, or null
   * @param firstAnswering stop after the first resolver that answers at all
   */
  public DnsAnswers ask(
      String name, List<InetSocketAddress> resolvers, InetAddress local, boolean firstAnswering) {
    List<DnsEvidence> answers = new ArrayList<>();
    for (InetSocketAddress resolver : resolvers) {
      answers.add(query(name, "A", resolver, local));
      answers.add(query(name, "AAAA", resolver, local));
      if (firstAnswering && answers.stream().anyMatch(DnsEvidence::answered)) {
        break;
      }
    }
    return new DnsAnswers(List.copyOf(answers));
  }

  /** The resolvers this host uses (/etc/resolv.conf). */
  public static List<InetSocketAddress> systemResolvers() {
    ResolverConfig.refresh();
    return ResolverConfig.getCurrentConfig().servers();
  }

  /**
   * @param type {@code A} or {@code AAAA}
   * @param local the source address to ask from, or null
   */
  public DnsEvidence query(
      String name, String type, InetSocketAddress resolver, InetAddress local) {
    String server = resolver.getAddress().getHostAddress() + ":" + resolver.getPort();
    long start = System.nanoTime();
    Message query;
    try {
      query =
          Message.newQuery(
              Record.newRecord(Name.fromString(name, Name.root), Type.value(type), DClass.IN));
    } catch (TextParseException e) {
      return new DnsEvidence(
          name, type, server, null, List.of(), List.of(), List.of(), 0, e.getMessage());
    }
    byte[] wire = query.toWire();
    try (DatagramSocket socket =
        local == null
            ? new DatagramSocket()
            : new DatagramSocket(new InetSocketAddress(local, 0))) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.send(new DatagramPacket(wire, wire.length, resolver));
      byte[] buffer = new byte[MAX_ANSWER];
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message answer;
        try {
          byte[] bytes = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
          answer = new Message(bytes);
        } catch (IOException malformed) {
          continue;
        }
        if (answer.getHeader().getID() != query.getHeader().getID()) {
          continue;
        }
        return evidence(name, type, server, answer, (System.nanoTime() - start) / 1_000_000);
      }
    } catch (SocketTimeoutException e) {
      return new DnsEvidence(
          name,
          type,
          server,
          null,
          List.of(),
          List.of(),
          List.of(),
          millis(start),
          "no answer in " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return new DnsEvidence(
          name, type, server, null, List.of(), List.of(), List.of(), millis(start), e.toString());
    }
  }

  private static long millis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private DnsEvidence evidence(String name, String type, String server, Message answer, long ms) {
    List<String> addresses = new ArrayList<>();
    for (Record record : answer.getSection(Section.ANSWER)) {
      if (record.getType() == Type.A || record.getType() == Type.AAAA) {
        // IPv6 as RFC 5952 writes it, as packets and routes write it (dnsjava writes every group).
        IPAddress a = new IPAddressString(record.rdataToString()).getAddress();
        addresses.add(a == null ? record.rdataToString() : a.toCanonicalString());
      }
    }
    List<String> bogons = addresses.stream().filter(DnsProbe::isBogon).toList();
    List<String> blockPages = addresses.stream().filter(blockPageAddresses::contains).toList();
    return new DnsEvidence(
        name,
        type,
        server,
        Rcode.string(answer.getRcode()),
        List.copyOf(addresses),
        bogons,
        blockPages,
        ms,
        null);
  }

  /** An address no public site has: private, loopback, link-local, unspecified, multicast. */
  static boolean isBogon(String text) {
    IPAddress address = new IPAddressString(text).getAddress();
    if (address == null) {
      return true;
    }
    if (address.isLoopback()
        || address.isLinkLocal()
        || address.isAnyLocal()
        || address.isMulticast()
        || address.isLocal()) {
      return true;
    }
    return address.isIPv4() && address.toIPv4().isPrivate();
  }
}
