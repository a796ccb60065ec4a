package dev.detour.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shows, with standard tools (curl, hping3, dig, ping, tcpdump), that every scenario of the lab
 * does what docs/lab.md says. Each test switches its scenario on and off again.
 */
class LabSelfTest {

  static final int CURL_TIMEOUT = 28;
  static final int CURL_REFUSED = 7;
  static final int CURL_RESET = 56;
  static final int CURL_TLS_FAILED = 35;
  static final Duration SHORT = Duration.ofSeconds(15);

  @RegisterExtension static final Lab lab = Lab.perClass();

  static Lab.Result home(String... command) {
    return lab.run("home", SHORT, command);
  }

  static Lab.Result curl(String... args) {
    String[] command = new String[args.length + 4];
    command[0] = "curl";
    command[1] = "-s";
    command[2] = "-m";
    command[3] = "3";
    System.arraycopy(args, 0, command, 4, args.length);
    return home(command);
  }

  static String httpStatus(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "-o";
    all[1] = "/dev/null";
    all[2] = "-w";
    all[3] = "%{http_code}";
    System.arraycopy(args, 0, all, 4, args.length);
    return curl(all).output();
  }

  /** Captures on home's uplink while {@code action} runs; returns tcpdump's verbose lines. */
  static String capture(String filter, int packets, Runnable action) throws Exception {
    Path out = Files.createTempFile("lab-capture-", ".txt");
    try {
      Process tcpdump =
          lab.start(
              "home",
              out,
              "timeout",
              "10",
              "tcpdump",
              "-nn",
              "-v",
              "-l",
              "-c",
              String.valueOf(packets),
              "-i",
              "up0",
              filter);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!Files.readString(out).contains("listening on") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      action.run();
      tcpdump.waitFor(12, TimeUnit.SECONDS);
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** What tcpdump saw at home matching {@code filter} while curl to {@code address} ended so. */
  static String captureWhileCurling(String filter, int packets, String address, int curlExit) {
    try {
      return capture(
          filter,
          packets,
          () -> assertThat(curl("http://" + address + "/").exit()).isEqualTo(curlExit));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String resetsFrom(String address, int curlExit) {
    return captureWhileCurling(
        "tcp[tcpflags] & tcp-rst != 0 and src host " + address, 1, address, curlExit);
  }

  static void during(List<String> scenario, Runnable check) {
    String[] words = scenario.toArray(String[]::new);
    lab.block(words);
    try {
      check.run();
    } finally {
      lab.unblock(words);
    }
  }

  @Test
  void realHostsAnswerFromThreeRoutersAwayAndThroughTheTunnel() {
    assertThat(httpStatus("http://www." + Lab.ZONE + "/")).isEqualTo("200");
    assertThat(home("hping3", "-S", "-p", "80", "-c", "1", "--tcp-mss", "1460", Lab.WEB1).output())
        .contains("ttl=61")
        .contains("flags=SA");
    assertThat(httpStatus("--interface", "vx0", "http://" + Lab.WEB1 + "/")).isEqualTo("200");
    assertThat(home("ping", "-c", "1", "-W", "2", "-I", Lab.TUNNEL_HOME, Lab.WEB1).exit()).isZero();
  }

  @Test
  void seedRstIsForgedWithoutAckSeqZeroIpIdOneAndAWrongTtl() {
    during(
        List.of("rst-seed", Lab.WEB2, "80"),
        () -> {
          String packets = resetsFrom(Lab.WEB2, CURL_TIMEOUT);
          // As tcpdump -v prints the seed's injected RST.
          assertThat(packets)
              .contains("ttl 58, id 1, offset 0, flags [none], proto TCP (6), length 40")
              .contains("Flags [R], cksum")
              .contains(", seq 0, win");
          // The tunnel does not pass the censor.
          assertThat(httpStatus("--interface", "vx0", "http://" + Lab.WEB2 + "/")).isEqualTo("200");
        });
    assertThat(httpStatus("http://" + Lab.WEB2 + "/")).isEqualTo("200");
  }

  @Test
  void wellFormedRstRefusesTheConnectionWithAForeignTtl() {
    during(
        List.of("rst", Lab.WEB2, "80"),
        () -> {
          String packets = resetsFrom(Lab.WEB2, CURL_REFUSED);
          assertThat(packets).contains("ttl 58,").contains("Flags [R.]");
        });
  }

  @Test
  void blackHoleDropsSynsButAnswersPing() {
    during(
        List.of("blackhole", Lab.WEB2, "80"),
        () -> {
          assertThat(curl("http://" + Lab.WEB2 + "/").exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(home("ping", "-c", "1", "-W", "2", Lab.WEB2).exit()).isZero();
          // Only port 80 is swallowed: the host still answers a SYN on 443.
          assertThat(home("hping3", "-S", "-p", "443", "-c", "1", Lab.WEB2).output())
              .contains("flags=SA");
        });
  }

  @Test
  void dpiResetsTheSixtyByteSynAndPassesTheFortyFourByteOne() {
    during(
        List.of("dpi-syn", Lab.WEB2, "80"),
        () -> {
          String bare =
              home("hping3", "-S", "-p", "80", "-c", "1", "--tcp-mss", "1460", Lab.WEB2).output();
          assertThat(bare).contains("len=44").contains("flags=SA");
          String packets =
              captureWhileCurling("tcp and host " + Lab.WEB2, 2, Lab.WEB2, CURL_TIMEOUT);
          // The browser-like SYN is 60 bytes; the censor's answer is the seed's RST with TTL 8.
          assertThat(packets).contains("length 60)").contains("ttl 8, id 1").contains("Flags [R]");
        });
  }

  @Test
  void blockPageRedirectsToTheWarningPage() {
    during(
        List.of("blockpage", Lab.WEB3),
        () -> {
          Lab.Result head =
              curl(
                  "-i",
                  "--resolve",
                  "blocked." + Lab.ZONE + ":80:" + Lab.WEB3,
                  "http://blocked." + Lab.ZONE + "/forum/index.php");
          assertThat(head.output())
              .startsWith("HTTP/1.1 302")
              .contains(
                  "Location: http://warning."
                      + Lab.ZONE
                      + "/?id=9&st=0&dt=blocked."
                      + Lab.ZONE
                      + "&rs=http%3A%2F%2Fblocked."
                      + Lab.ZONE
                      + "%2Fforum%2Findex.php");
          assertThat(curl("-L", "http://" + Lab.WEB3 + "/").output()).contains("Доступ ограничен");
        });
    assertThat(curl("http://" + Lab.WEB3 + "/").output()).contains(Lab.WEB3 + " works");
  }

  @Test
  void httpTamperingResetsOnlyTheBlockedHost() {
    String blocked = "tampered." + Lab.ZONE;
    during(
        List.of("http-tamper", Lab.WEB4, blocked),
        () -> {
          assertThat(curl("-H", "Host: " + blocked, "http://" + Lab.WEB4 + "/").exit())
              .isEqualTo(CURL_RESET);
          assertThat(httpStatus("-H", "Host: www." + Lab.ZONE, "http://" + Lab.WEB4 + "/"))
              .isEqualTo("200");
          // The handshake itself passes: a bare SYN is answered by the host.
          assertThat(home("hping3", "-S", "-p", "80", "-c", "1", Lab.WEB4).output())
              .contains("flags=SA");
        });
  }

  @Test
  void sniFilterResetsTheClientHelloNamingTheBlockedHost() {
    String blocked = "sni." + Lab.ZONE;
    during(
        List.of("sni", Lab.WEB5, blocked),
        () -> {
          assertThat(
                  curl("-k", "--resolve", blocked + ":443:" + Lab.WEB5, "https://" + blocked + "/")
                      .exit())
              .isIn(CURL_TLS_FAILED, CURL_RESET);
          String other = "www." + Lab.ZONE;
          assertThat(
                  httpStatus(
                      "-k", "--resolve", other + ":443:" + Lab.WEB5, "https://" + other + "/"))
              .isEqualTo("200");
          assertThat(
                  httpStatus(
                      "-k",
                      "--interface",
                      "vx0",
                      "--resolve",
                      blocked + ":443:" + Lab.WEB5,
                      "https://" + blocked + "/"))
              .isEqualTo("200");
        });
  }

  @Test
  void ispResolverLiesButTheTunnelGetsTheTruth() {
    String name = "blocked." + Lab.ZONE;
    during(
        List.of("dns-spoof", name),
        () -> {
          assertThat(home("dig", "+short", name).output().strip()).isEqualTo(Lab.BLOCK_PAGE);
          // Queries to another server are intercepted too, as a real ISP does.
          assertThat(home("dig", "+short", "@" + Lab.DNS, name).output().strip())
              .isEqualTo(Lab.BLOCK_PAGE);
          assertThat(
                  home("dig", "+short", "-b", Lab.TUNNEL_HOME, "@" + Lab.DNS, name)
                      .output()
                      .strip())
              .isEqualTo(Lab.WEB2);
        });
    during(
        List.of("dns-spoof", name, "nxdomain"),
        () -> assertThat(home("dig", "@" + Lab.DNS, name).output()).contains("status: NXDOMAIN"));
    assertThat(home("dig", "+short", name).output().strip()).isEqualTo(Lab.WEB2);
  }

  @Test
  void aSilentResolverTimesOutButTheTunnelResolves() {
    String name = "www." + Lab.ZONE;
    during(
        List.of("resolver-down"),
        () -> {
          assertThat(home("dig", "+time=1", "+tries=1", name).output()).contains("timed out");
          assertThat(
                  home("dig", "+short", "-b", Lab.TUNNEL_HOME, "@" + Lab.DNS, name)
                      .output()
                      .strip())
              .isEqualTo(Lab.WEB1);
        });
    assertThat(home("dig", "+short", name).output().strip()).isEqualTo(Lab.WEB1);
  }

  @Test
  void icmpOnlyFilterLeavesTcpAlone() {
    during(
        List.of("icmp-filter", Lab.WEB1),
        () -> {
          assertThat(home("ping", "-c", "1", "-W", "2", Lab.WEB1).exit()).isNotZero();
          assertThat(httpStatus("http://" + Lab.WEB1 + "/")).isEqualTo("200");
        });
  }

  @Test
  void aHostThatIsDownIsSilentThroughTheTunnelToo() {
    during(
        List.of("down", Lab.WEB5),
        () -> {
          assertThat(curl("http://" + Lab.WEB5 + "/").exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(curl("--interface", "vx0", "http://" + Lab.WEB5 + "/").exit())
              .isEqualTo(CURL_TIMEOUT);
          assertThat(home("ping", "-c", "1", "-W", "1", Lab.WEB5).exit()).isNotZero();
        });
  }

  @Test
  void aClosedPortIsResetByTheHostItselfWithItsOwnTtl() {
    during(
        List.of("closed", Lab.WEB5, "80"),
        () -> {
          String packets = resetsFrom(Lab.WEB5, CURL_REFUSED);
          assertThat(packets).contains("ttl 61,").contains("Flags [R.]");
        });
  }

  @Test
  void aLossyLinkLosesSomePacketsButNeverEverything() {
    during(
        List.of("lossy", "10"),
        () -> {
          String ping = home("ping", "-q", "-c", "100", "-i", "0.01", "-W", "1", Lab.WEB1).output();
          int loss = Integer.parseInt(ping.replaceAll("(?s).* (\\d+)% packet loss.*", "$1"));
          assertThat(loss).isBetween(2, 60);
          for (int i = 0; i < 5; i++) {
            assertThat(
                    httpStatus(
                        "-m",
                        "10",
                        "--retry",
                        "3",
                        "--connect-timeout",
                        "2",
                        "http://" + Lab.WEB1 + "/"))
                .isEqualTo("200");
          }
        });
  }

  @Test
  void aCutUplinkTakesEverythingDownTunnelIncluded() {
    during(
        List.of("uplink-down"),
        () -> {
          assertThat(home("ping", "-c", "1", "-W", "1", "198.51.100.1").exit()).isNotZero();
          assertThat(curl("-m", "2", "http://" + Lab.WEB1 + "/").exit()).isNotZero();
          assertThat(curl("-m", "2", "--interface", "vx0", "http://" + Lab.WEB1 + "/").exit())
              .isNotZero();
        });
    assertThat(httpStatus("--retry", "3", "--retry-connrefused", "http://" + Lab.WEB1 + "/"))
        .isEqualTo("200");
  }

  @Test
  void aMassBlockDropsAWholePrefixThatOneNamespaceAnswersFor() {
    List<String> sample = List.of("198.18.0.1", "198.18.77.200", "198.18.255.254");
    for (String address : sample) {
      assertThat(httpStatus("http://" + address + "/")).isEqualTo("200");
    }
    during(
        List.of("mass", Lab.MASS_PREFIX),
        () -> {
          for (String address : sample) {
            assertThat(curl("-m", "2", "http://" + address + "/").exit()).isEqualTo(CURL_TIMEOUT);
            assertThat(httpStatus("--interface", "vx0", "http://" + address + "/"))
                .isEqualTo("200");
          }
        });
  }

  @Test
  void twoLabsCoexistAndAClosedOneLeavesNoNamespaceBehind() throws IOException {
    String other;
    try (Lab second = Lab.up()) {
      other = second.name();
      assertThat(
              second
                  .run("home", SHORT, "curl", "-s", "-m", "3", "http://" + Lab.WEB1 + "/")
                  .output())
          .contains("works");
      second.block("blackhole", Lab.WEB1, "80");
      assertThat(httpStatus("http://" + Lab.WEB1 + "/")).isEqualTo("200");
    }
    assertThat(namespaces()).doesNotContain(other + "-").contains(lab.namespace("home"));
  }

  @Test
  void aLabLeftByAKilledTestRunIsRemovedByTheNextOne() throws Exception {
    Process owner = new ProcessBuilder("sleep", "120").start();
    String orphan = "dlk" + Long.toHexString(owner.pid() & 0xfff);
    try {
      Lab.script(orphan, owner.pid(), "up");
      assertThat(namespaces()).contains(orphan + "-home");
      owner.destroyForcibly();
      owner.waitFor(5, TimeUnit.SECONDS);
      try (Lab next = Lab.up()) {
        assertThat(namespaces()).doesNotContain(orphan + "-").contains(next.namespace("home"));
      }
    } finally {
      owner.destroyForcibly();
      Lab.script(orphan, 0, "down");
    }
  }

  static String namespaces() throws IOException {
    Process list = new ProcessBuilder("ip", "netns", "list").start();
    return new String(list.getInputStream().readAllBytes());
  }
}
