package dev.detour.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A round's evidence laid out for reading, the way the seed's author read tcpdump: for each
 * address, what each probe sent and what came back here and through the control vantage, side by
 * side, with TTL, IP-ID, size, flags and timing, and the pcap files to download. Built from the
 * evidence's JSON, so a live round and an incident stored months ago read the same.
 */
public record EvidenceView(
    String at,
    long millis,
    String control,
    String state,
    String method,
    List<String> reasons,
    List<String> dns,
    List<Address> addresses) {

  /** One address from both sides. {@code control} is null when no control vantage answered. */
  public record Address(
      String address, String part, String state, String method, Side local, Side control) {
    /** Here, then the control vantage (null when it was not asked). */
    public List<Side> sides() {
      return java.util.Arrays.asList(local, control);
    }
  }

  /** One vantage's probes of an address. */
  public record Side(String run, List<ProbeBlock> probes) {}

  /** One probe: a one-line outcome, the packets or steps as lines, its pcap files. */
  public record ProbeBlock(
      String kind,
      String status,
      long millis,
      String outcome,
      List<Line> lines,
      List<Link> pcaps) {}

  /**
   * One line of evidence; {@code mark} styles it: {@code sent}, {@code answer}, {@code bad} (a
   * reset or a block page), or empty.
   */
  public record Line(String text, String mark) {}

  public record Link(String name, String href) {}

  /** The view of a stored or live round (JSON of {@code RoundEvidence}), or null without one. */
  public static EvidenceView of(JsonNode round, ObjectMapper json) {
    if (round == null || round.isNull() || round.isMissingNode()) {
      return null;
    }
    JsonNode verdict = round.path("verdict");
    List<String> dns = new ArrayList<>();
    dnsLines(round.path("localDns"), "here", dns);
    dnsLines(round.path("controlDns"), "control", dns);
    List<Address> addresses = new ArrayList<>();
    for (JsonNode a : round.path("addresses")) {
      JsonNode v = a.path("verdict");
      addresses.add(
          new Address(
              a.path("address").asText(),
              text(a, "part"),
              text(v, "state"),
              text(v, "method"),
              side(a.path("local"), json),
              a.hasNonNull("control") ? side(a.path("control"), json) : null));
    }
    List<String> reasons = new ArrayList<>();
    verdict.path("reasons").forEach(r -> reasons.add(r.asText()));
    return new EvidenceView(
        text(round, "at"),
        round.path("millis").asLong(),
        text(round, "control"),
        text(verdict, "state"),
        text(verdict, "method"),
        reasons,
        dns,
        addresses);
  }

  private static void dnsLines(JsonNode answers, String side, List<String> out) {
    for (JsonNode d : answers.path("answers")) {
      StringBuilder s =
          new StringBuilder(side)
              .append(": ")
              .append(d.path("name").asText())
              .append(' ')
              .append(d.path("type").asText())
              .append(" @")
              .append(d.path("resolver").asText())
              .append(" → ")
              .append(d.path("rcode").asText(""));
      List<String> addresses = new ArrayList<>();
      d.path("addresses").forEach(x -> addresses.add(x.asText()));
      if (!addresses.isEmpty()) {
        s.append(' ').append(String.join(", ", addresses));
      }
      if (d.path("bogons").size() > 0) {
        s.append(" · bogons ").append(d.path("bogons"));
      }
      if (d.path("blockPageAddresses").size() > 0) {
        s.append(" · block-page addresses ").append(d.path("blockPageAddresses"));
      }
      if (d.hasNonNull("error")) {
        s.append(" · ").append(d.path("error").asText());
      }
      s.append(" (").append(d.path("millis").asLong()).append(" ms)");
      out.add(s.toString());
    }
  }

  private static Side side(JsonNode run, ObjectMapper json) {
    if (run.isMissingNode() || run.isNull()) {
      return new Side(null, List.of());
    }
    String id = text(run, "id");
    List<ProbeBlock> probes = new ArrayList<>();
    for (JsonNode r : run.path("results")) {
      probes.add(probe(r, id, json));
    }
    return new Side(id, probes);
  }

  private static ProbeBlock probe(JsonNode r, String run, ObjectMapper json) {
    String kind = r.path("probe").asText();
    String status = r.path("status").asText();
    List<Line> lines = new ArrayList<>();
    String outcome;
    JsonNode e = r.path("evidence");
    if (!status.equals("ok")) {
      outcome = status + (r.hasNonNull("problem") ? ": " + r.path("problem").asText() : "");
    } else {
      outcome =
          switch (kind) {
            case "tcp_syn" -> syn(e, lines);
            case "icmp" -> icmp(e, lines);
            case "tcp_connect" -> connect(e, lines);
            case "http" -> http(e, lines);
            case "tls" -> tls(e, lines);
            case "trace" -> trace(e, lines);
            case "dns" -> dns(e, lines);
            default -> generic(e, lines, json);
          };
    }
    List<Link> pcaps = new ArrayList<>();
    if (run != null) {
      for (JsonNode f : r.path("captures")) {
        pcaps.add(
            new Link(
                f.asText(),
                "/api/probe/captures/"
                    + URLEncoder.encode(run, StandardCharsets.UTF_8)
                    + "/"
                    + URLEncoder.encode(f.asText(), StandardCharsets.UTF_8)));
      }
    }
    return new ProbeBlock(kind, status, r.path("millis").asLong(), outcome, lines, pcaps);
  }

  private static String syn(JsonNode e, List<Line> lines) {
    int resets = 0;
    int answered = 0;
    for (JsonNode s : e.path("syns")) {
      long sentNanos = s.path("sent").path("nanos").asLong();
      String answer = s.path("answer").asText("");
      lines.add(
          new Line(
              "# "
                  + s.path("shape").asText()
                  + " SYN ("
                  + s.path("sent").path("length").asInt()
                  + " bytes) to port "
                  + s.path("port").asInt()
                  + ": "
                  + answer.toLowerCase(Locale.ROOT).replace('_', ' ')
                  + (s.path("resets").asInt() > 1
                      ? ", " + s.path("resets").asInt() + " resets"
                      : ""),
              ""));
      lines.add(new Line("> " + s.path("sent").path("tcpdump").asText(), "sent"));
      for (JsonNode p : s.path("answers")) {
        boolean rst = p.path("tcp").path("flags").asText("").contains("R");
        lines.add(
            new Line(
                "< +"
                    + micros(p.path("nanos").asLong() - sentNanos)
                    + " "
                    + p.path("tcpdump").asText(),
                rst ? "bad" : "answer"));
      }
      if (s.path("answers").size() > 0) {
        answered++;
      }
      resets += s.path("resets").asInt();
    }
    int syns = e.path("syns").size();
    return syns
        + " SYNs, "
        + answered
        + " answered"
        + (resets > 0 ? ", " + resets + " resets" : "");
  }

  private static String icmp(JsonNode e, List<Line> lines) {
    for (JsonNode reply : e.path("replies")) {
      lines.add(
          new Line(
              "< "
                  + String.format(Locale.ROOT, "%.2f ms", reply.path("rttMicros").asLong() / 1000.0)
                  + " "
                  + reply.path("packet").path("tcpdump").asText(),
              "answer"));
    }
    for (JsonNode err : e.path("errors")) {
      lines.add(new Line("< " + err.path("tcpdump").asText(), "bad"));
    }
    return e.path("sent").asInt()
        + " echo requests, "
        + e.path("replies").size()
        + " replies"
        + (e.path("lost").asInt() > 0 ? ", " + e.path("lost").asInt() + " lost" : "");
  }

  private static String connect(JsonNode e, List<Line> lines) {
    int connected = 0;
    for (JsonNode a : e.path("attempts")) {
      String outcome = a.path("outcome").asText();
      if (outcome.equals("connected")) {
        connected++;
      }
      lines.add(
          new Line(
              "port "
                  + a.path("port").asInt()
                  + ": "
                  + outcome
                  + " in "
                  + a.path("millis").asLong()
                  + " ms"
                  + (a.hasNonNull("error") ? " (" + a.path("error").asText() + ")" : ""),
              outcome.equals("connected") ? "answer" : "bad"));
    }
    return connected + " of " + e.path("attempts").size() + " ports connected";
  }

  private static String http(JsonNode e, List<Line> lines) {
    String last = "";
    for (JsonNode p : e.path("pages")) {
      StringBuilder s = new StringBuilder("GET ").append(p.path("url").asText());
      if (p.hasNonNull("address")) {
        s.append(" @").append(p.path("address").asText());
      }
      s.append(" → ");
      if (p.hasNonNull("status")) {
        s.append(p.path("status").asInt());
      } else {
        s.append(p.path("stage").asText("")).append(' ').append(p.path("error").asText(""));
      }
      if (p.hasNonNull("location")) {
        s.append(" Location: ").append(p.path("location").asText());
      }
      if (p.hasNonNull("title")) {
        s.append(" «").append(p.path("title").asText()).append('»');
      }
      s.append(" · connect ")
          .append(p.path("connectMillis").asLong())
          .append(" ms, first byte ")
          .append(p.path("firstByteMillis").asLong())
          .append(" ms");
      boolean bad = p.hasNonNull("blockPage") || p.hasNonNull("error");
      if (p.hasNonNull("blockPage")) {
        s.append(" · block page: ").append(p.path("blockPage").asText());
      }
      lines.add(new Line(s.toString(), bad ? "bad" : "answer"));
      last =
          p.hasNonNull("status") ? "HTTP " + p.path("status").asInt() : p.path("error").asText("");
    }
    return e.path("pages").size() + " requests" + (last.isEmpty() ? "" : ", last: " + last);
  }

  private static String tls(JsonNode e, List<Line> lines) {
    int ok = 0;
    for (JsonNode h : e.path("handshakes")) {
      boolean passed = !h.hasNonNull("error");
      ok += passed ? 1 : 0;
      lines.add(
          new Line(
              "ClientHello SNI="
                  + h.path("sni").asText()
                  + (h.hasNonNull("serverName") ? " (" + h.path("serverName").asText() + ")" : "")
                  + " → "
                  + (passed
                      ? h.path("protocol").asText("")
                          + " "
                          + h.path("certificateSubject").asText("")
                      : h.path("stage").asText("") + " " + h.path("error").asText())
                  + " in "
                  + h.path("handshakeMillis").asLong()
                  + " ms",
              passed ? "answer" : "bad"));
    }
    return ok + " of " + e.path("handshakes").size() + " handshakes completed";
  }

  private static String dns(JsonNode e, List<Line> lines) {
    List<String> out = new ArrayList<>();
    dnsLines(e, "asked", out);
    out.forEach(l -> lines.add(new Line(l, "")));
    return e.path("answers").size() + " answers";
  }

  private static String trace(JsonNode e, List<Line> lines) {
    for (JsonNode t : e.path("traces")) {
      lines.add(
          new Line(
              "# "
                  + t.path("offending").asText()
                  + " to port "
                  + t.path("port").asInt()
                  + ": censor at hop "
                  + t.path("censorHop").asInt(),
              ""));
      for (JsonNode h : t.path("hops")) {
        lines.add(new Line(hop(h), hopReset(h) ? "bad" : ""));
      }
    }
    return e.path("traces").size() + " traces";
  }

  static String hop(JsonNode h) {
    StringBuilder s =
        new StringBuilder("ttl ")
            .append(h.path("ttl").asInt())
            .append(": ")
            .append(h.path("router").asText("*"));
    for (JsonNode p : h.path("answers")) {
      s.append(" · ").append(p.path("tcp").path("flags").asText("?"));
    }
    return s.toString();
  }

  static boolean hopReset(JsonNode h) {
    for (JsonNode p : h.path("answers")) {
      if (p.path("tcp").path("flags").asText("").contains("R")) {
        return true;
      }
    }
    return false;
  }

  private static String generic(JsonNode e, List<Line> lines, ObjectMapper json) {
    try {
      for (String l : json.writerWithDefaultPrettyPrinter().writeValueAsString(e).split("\n")) {
        lines.add(new Line(l, ""));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      lines.add(new Line(e.toString(), ""));
    }
    return "see below";
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1_000_000.0);
  }

  private static String text(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.path(field).asText() : null;
  }
}
