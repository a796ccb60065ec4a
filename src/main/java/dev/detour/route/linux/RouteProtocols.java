package dev.detour.route.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A route's protocol, by number: {@code ip -N} prints numbers, and an {@code ip} without {@code -N}
 * prints the names its {@code rt_protos} files give — where a name may stand for any number,
 * Detour's own included. Numbers are {@code RTPROT_*} of {@code linux/rtnetlink.h}.
 */
final class RouteProtocols {

  /** Routes the kernel or a routing daemon made: kernel, ra, zebra, bird, dhcp, babel, bgp, ... */
  static final Set<Integer> DYNAMIC = Set.of(2, 9, 11, 12, 16, 42, 186, 187, 188, 189);

  /** A route printed with no protocol is the kernel's default for routes added: boot. */
  static final int BOOT = 3;

  /** The files iproute2 reads, in its order: a later one names a number anew. */
  static final List<Path> FILES =
      List.of(
          Path.of("/usr/share/iproute2/rt_protos"),
          Path.of("/usr/share/iproute2/rt_protos.d"),
          Path.of("/etc/iproute2/rt_protos"),
          Path.of("/etc/iproute2/rt_protos.d"));

  /** iproute2's own names (lib/rt_names.c), which hold without any file. */
  private static final Map<Integer, String> BUILT_IN =
      Map.ofEntries(
          Map.entry(0, "unspec"),
          Map.entry(1, "redirect"),
          Map.entry(2, "kernel"),
          Map.entry(3, "boot"),
          Map.entry(4, "static"),
          Map.entry(8, "gated"),
          Map.entry(9, "ra"),
          Map.entry(10, "mrt"),
          Map.entry(11, "zebra"),
          Map.entry(12, "bird"),
          Map.entry(13, "dnrouted"),
          Map.entry(14, "xorp"),
          Map.entry(15, "ntk"),
          Map.entry(16, "dhcp"),
          Map.entry(18, "keepalived"),
          Map.entry(42, "babel"),
          Map.entry(99, "openr"),
          Map.entry(186, "bgp"),
          Map.entry(187, "isis"),
          Map.entry(188, "ospf"),
          Map.entry(189, "rip"),
          Map.entry(192, "eigrp"));

  /** Each printed name's number; a name given to two numbers stands for neither. */
  private final Map<String, Integer> numbers;

  private final boolean numeric;

  private RouteProtocols(Map<String, Integer> numbers, boolean numeric) {
    this.numbers = numbers;
    this.numeric = numeric;
  }

  /** Numbers as {@code ip -N} prints them: no name stands for one. */
  static RouteProtocols numeric() {
    return new RouteProtocols(Map.of(), true);
  }

  /** Whether ip is to print numbers ({@code -N}) rather than names. */
  boolean numbers() {
    return numeric;
  }

  /** The names iproute2 gives, read from {@code files} (a directory: its {@code *.conf}). */
  static RouteProtocols named(List<Path> files) {
    Map<Integer, String> names = new TreeMap<>(BUILT_IN);
    for (Path file : files) {
      if (Files.isDirectory(file)) {
        try (Stream<Path> conf = Files.list(file)) {
          conf.filter(f -> f.getFileName().toString().endsWith(".conf"))
              .sorted()
              .forEach(f -> read(f, names));
        } catch (IOException e) {
          // unreadable: iproute2 skips it too
        }
      } else {
        read(file, names);
      }
    }
    Map<String, Integer> numbers = new HashMap<>();
    names.forEach(
        (number, name) -> {
          if (numbers.putIfAbsent(name, number) != null) {
            numbers.put(name, -1);
          }
        });
    return new RouteProtocols(numbers, false);
  }

  /** The number of a protocol as printed ({@code 211}, {@code bird}), or -1 when unknown. */
  int number(String printed) {
    if (printed == null || printed.isEmpty()) {
      return BOOT;
    }
    try {
      return Integer.parseInt(printed);
    } catch (NumberFormatException e) {
      return numbers.getOrDefault(printed, -1);
    }
  }

  /** Lines {@code number name}, numbers in C notation ({@code 0xd3}), {@code #} for comments. */
  private static void read(Path file, Map<Integer, String> names) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return;
    }
    for (String line : lines) {
      String[] fields = line.replaceAll("#.*", "").strip().split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      try {
        int number = Integer.decode(fields[0]);
        if (number >= 0 && number <= 255) {
          names.put(number, fields[1]);
        }
      } catch (NumberFormatException e) {
        // iproute2 stops at a bad line; Detour reads on
      }
    }
  }
}
