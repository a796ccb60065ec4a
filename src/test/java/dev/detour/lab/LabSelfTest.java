package dev.detour.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Shows, with standard tools (curl, hping3, dig, ping, tcpdump), that every scenario of the lab
 * does what docs/lab.md says, over IPv4 and again over IPv6 (curl -6, ping -6, the lab's syn6.py
 * for hping3). Each test switches its scenario on and off again.
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

  /** The address family a twin case runs over: curl, or curl -6. */
  enum Family {
    IPV4,
    IPV6;

    String httpStatus(String... args) {
      return this == IPV4 ? LabSelfTest.httpStatus(args) : httpStatus6(args);
    }

    Lab.Result curl(String... args) {
      return this == IPV4 ? LabSelfTest.curl(args) : curl6(args);
    }

    /** The address as it stands before a port or in a URL: bracketed over IPv6. */
    String literal(String address) {
      return this == IPV4 ? address : "[" + address + "]";
    }

    /** {@code scheme://address/}. */
    String url(String scheme, String address) {
      return scheme + "://" + literal(address) + "/";
    }

    /** ping's exit for one echo to {@code address}, waiting {@code seconds} for its reply. */
    int ping(int seconds, String address) {
      String wait = String.valueOf(seconds);
      return this == IPV4
          ? home("ping", "-c", "1", "-W", wait, address).exit()
          : ping6("-W", wait, address);
    }

    /** {@code address:port}, as openssl's -connect takes it. */
    String hostPort(String address, int port) {
      return literal(address) + ":" + port;
    }

    /** {@code name:port:address}, as curl's --resolve takes it. */
    String resolve(String name, int port, String address) {
      return name + ":" + port + ":" + literal(address);
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

  /** Per family: the host behind the SNI filter, and the zone its names are in. */
  static Stream<Arguments> sniFiltered() {
    return Stream.of(
        Arguments.of(Family.IPV4, Lab.WEB5, Lab.ZONE),
        Arguments.of(Family.IPV6, Lab.WEB5_6, Lab.ZONE6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sniFiltered")
  void sniFilterResetsTheClientHelloNamingTheBlockedHost(Family family, String host, String zone) {
    String blocked = "sni." + zone;
    during(
        List.of("sni", host, blocked),
        () -> {
          assertThat(
                  family
                      .curl(
                          "-k",
                          "--resolve",
                          family.resolve(blocked, 443, host),
                          "https://" + blocked + "/")
                      .exit())
              .isIn(CURL_TLS_FAILED, CURL_RESET);
          String other = "www." + zone;
          assertThat(
                  family.httpStatus(
                      "-k",
                      "--resolve",
                      family.resolve(other, 443, host),
                      "https://" + other + "/"))
              .isEqualTo("200");
          assertThat(
                  family.httpStatus(
                      "-k",
                      "--interface",
                      "vx0",
                      "--resolve",
                      family.resolve(blocked, 443, host),
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

  static Stream<Arguments> hostThatGoesDown() {
    return Stream.of(Arguments.of(Family.IPV4, Lab.WEB5), Arguments.of(Family.IPV6, Lab.WEB5_6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostThatGoesDown")
  void aHostThatIsDownIsSilentThroughTheTunnelToo(Family family, String host) {
    during(
        List.of("down", host),
        () -> {
          assertThat(family.curl(family.url("http", host)).exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(family.curl("--interface", "vx0", family.url("http", host)).exit())
              .isEqualTo(CURL_TIMEOUT);
          assertThat(family.ping(1, host)).isNotZero();
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

  /** What curl fetched: the page's bytes, the seconds it took and curl's exit code. */
  record Fetched(long bytes, double seconds, int exit) {}

  static Fetched fetch(int seconds, String... args) {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-k", "-m", "" + seconds));
    command.addAll(List.of("-o", "/dev/null", "-w", "%{size_download} %{time_total}"));
    command.addAll(List.of(args));
    Lab.Result r =
        lab.run("home", Duration.ofSeconds(seconds + 10L), command.toArray(String[]::new));
    String[] words = r.output().strip().split(" ");
    return new Fetched(Long.parseLong(words[0]), Double.parseDouble(words[1]), r.exit());
  }

  @Test
  void aThrottleCrawlsHereAndNotThroughTheTunnel() {
    String address = "198.18.0.40";
    String site = "https://s40." + Lab.ZONE + "/";
    during(
        List.of("throttle", address, "128kbit"),
        () -> {
          Fetched here = fetch(25, site);
          assertThat(here.exit()).isZero();
          assertThat(here.bytes()).as("the 200 KB front page").isGreaterThan(200_000);
          assertThat(here.seconds()).as("200 KB at 128 kbit/s").isBetween(6.0, 20.0);
          Fetched tunnel = fetch(5, "--interface", "vx0", site);
          assertThat(tunnel.bytes()).isEqualTo(here.bytes());
          assertThat(tunnel.seconds()).isLessThan(1.0);
        });
    // By name: the throttled name crawls, its twin on the same address does not.
    during(
        List.of("throttle", address, "128kbit", "s40." + Lab.ZONE),
        () -> {
          Fetched named = fetch(3, site);
          assertThat(named.exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(named.bytes()).isBetween(8_000L, 120_000L);
          Fetched twin = fetch(3, "https://w40." + Lab.ZONE + "/");
          assertThat(twin.exit()).isZero();
          assertThat(twin.seconds()).isLessThan(1.0);
        });
  }

  @Test
  void aFreezeStopsTheAnswerAfterSixteenKilobytes() {
    String address = "198.18.0.41";
    during(
        List.of("freeze", address, "16384"),
        () -> {
          // HTTP: the first 14 KB of the page, then nothing until the timeout.
          Fetched http = fetch(3, "http://s41." + Lab.ZONE + "/");
          assertThat(http.exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(http.bytes()).isBetween(8_000L, 16_384L);
          // HTTPS: the freeze falls inside TLS's first 16 KB record: not a byte decrypts.
          Fetched https = fetch(3, "https://s41." + Lab.ZONE + "/");
          assertThat(https.exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(https.bytes()).isZero();
          Fetched tunnel = fetch(5, "--interface", "vx0", "https://s41." + Lab.ZONE + "/");
          assertThat(tunnel.exit()).isZero();
          assertThat(tunnel.bytes()).isGreaterThan(200_000);
          // A page smaller than the freeze comes whole.
          Fetched small =
              fetch(
                  3,
                  "--resolve",
                  "small." + Lab.ZONE + ":443:" + address,
                  "https://small." + Lab.ZONE + "/");
          assertThat(small.exit()).isZero();
          assertThat(small.bytes()).isBetween(8_000L, 9_000L);
        });
    // By name: a whitelisted name on the same address passes.
    during(
        List.of("freeze", address, "16384", "s41." + Lab.ZONE),
        () -> {
          assertThat(fetch(3, "https://s41." + Lab.ZONE + "/").exit()).isEqualTo(CURL_TIMEOUT);
          Fetched twin = fetch(3, "https://w41." + Lab.ZONE + "/");
          assertThat(twin.exit()).isZero();
          assertThat(twin.bytes()).isGreaterThan(200_000);
        });
  }

  @Test
  void aDivertedPageIsAnotherIspsBlockPage() {
    during(
        List.of("divert", "198.18.0.43"),
        () -> {
          assertThat(curl("http://s43." + Lab.ZONE + "/").output()).contains("Ресурс заблокирован");
          assertThat(curl("--interface", "vx0", "http://s43." + Lab.ZONE + "/").output())
              .contains("s43." + Lab.ZONE + " works");
        });
  }

  @Test
  void aSlowSiteIsSlowThroughTheTunnelToo() {
    during(
        List.of("slow", "198.18.0.44", "128kbit"),
        () -> {
          String site = "https://s44." + Lab.ZONE + "/";
          for (Fetched f : List.of(fetch(3, site), fetch(3, "--interface", "vx0", site))) {
            assertThat(f.exit()).isEqualTo(CURL_TIMEOUT);
            assertThat(f.bytes()).isBetween(8_000L, 120_000L);
          }
        });
  }

  @Test
  void theResolverCanAnswerWithAParkingPageThatIsNotTheSite() {
    String name = "s45." + Lab.ZONE;
    during(
        List.of("dns-spoof", name, "203.0.113.15"),
        () -> {
          assertThat(home("dig", "+short", name).output().strip()).isEqualTo("203.0.113.15");
          Lab.Result parked = home("curl", "-s", "-k", "-v", "-m", "3", "https://" + name + "/");
          assertThat(parked.output())
              .contains("This domain is parked")
              .contains("subject: CN=parking.example");
          // The name's true address (the control resolves it so) serves the site.
          assertThat(
                  curl(
                          "-k",
                          "--interface",
                          "vx0",
                          "--resolve",
                          name + ":443:198.18.0.45",
                          "https://" + name + "/")
                      .output())
              .contains(name + " works");
        });
  }

  /** Per family: an address beyond home's uplink to ping, and a site. */
  static Stream<Arguments> beyondTheUplink() {
    return Stream.of(
        Arguments.of(Family.IPV4, "198.51.100.1", Lab.WEB1),
        Arguments.of(Family.IPV6, Lab.ACCESS_HOME6, Lab.WEB1_6));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("beyondTheUplink")
  void aCutUplinkTakesEverythingDownTunnelIncluded(Family family, String pinged, String site) {
    during(
        List.of("uplink-down"),
        () -> {
          assertThat(family.ping(1, pinged)).isNotZero();
          assertThat(family.curl("-m", "2", family.url("http", site)).exit()).isNotZero();
          assertThat(family.curl("-m", "2", "--interface", "vx0", family.url("http", site)).exit())
              .isNotZero();
        });
    assertThat(family.httpStatus("--retry", "3", "--retry-connrefused", family.url("http", site)))
        .isEqualTo("200");
  }

  /**
   * ngtcp2's example client (not Detour's QUIC): a full HTTP/3 request, or the handshake's timeout.
   */
  static String quic(String host, String address, String name) {
    return lab.run(
            host,
            SHORT,
            "timeout",
            "10",
            "gtlsclient",
            "--exit-on-all-streams-close",
            "--handshake-timeout=3s",
            "--sni=" + name,
            address,
            "443",
            "https://" + name + "/")
        .output();
  }

  static final String QUIC_OK = "QUIC handshake has completed";
  static final String QUIC_TIMEOUT = "ERR_HANDSHAKE_TIMEOUT";

  /** A ClientHello of one shape from hello.py (not Detour's), and what came back. */
  static String hello(String host, String address, String name, String shape) {
    String script = java.nio.file.Path.of("src/test/lab/hello.py").toAbsolutePath().toString();
    return lab.run(host, SHORT, "python3", script, address, name, shape).output().strip();
  }

  /** The host of one test site in each family, and its name in that family's zone. */
  static Stream<Arguments> site(int n) {
    return Stream.of(
        Arguments.of(Family.IPV4, "198.18.0." + n, "s" + n + "." + Lab.ZONE),
        Arguments.of(Family.IPV6, "2001:db8:1800::" + n, "s" + n + "." + Lab.ZONE6));
  }

  static Stream<Arguments> site60() {
    return site(60);
  }

  static Stream<Arguments> site61() {
    return site(61);
  }

  static Stream<Arguments> site62() {
    return site(62);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("site60")
  void aQuicBlockDropsUdp443WhileTcpAndTheTunnelWork(Family family, String address, String name) {
    assertThat(quic("home", address, name)).contains(QUIC_OK).contains(":status: 200");
    during(
        List.of("quic-block", address),
        () -> {
          assertThat(quic("home", address, name)).contains(QUIC_TIMEOUT).doesNotContain(QUIC_OK);
          assertThat(quic("vps", address, name)).contains(QUIC_OK);
          assertThat(family.httpStatus("-k", "https://" + name + "/")).isEqualTo("200");
        });
    // A host that serves no QUIC: silent from everywhere, TCP fine.
    during(
        List.of("no-quic", address),
        () -> {
          assertThat(quic("home", address, name)).contains(QUIC_TIMEOUT);
          assertThat(quic("vps", address, name)).contains(QUIC_TIMEOUT);
          assertThat(family.httpStatus("-k", "https://" + name + "/")).isEqualTo("200");
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("site61")
  void anEchBlockDropsOnlyTheHelloCarryingEch(Family family, String address, String name) {
    assertThat(hello("home", address, name, "ech")).isEqualTo("server_hello");
    during(
        List.of("ech", address),
        () -> {
          assertThat(hello("home", address, name, "ech")).isEqualTo("silent");
          assertThat(hello("home", address, name, "browser")).isEqualTo("server_hello");
          assertThat(hello("home", address, name, "plain")).isEqualTo("server_hello");
          assertThat(hello("vps", address, name, "ech")).isEqualTo("server_hello");
          assertThat(family.httpStatus("-k", "https://" + name + "/")).isEqualTo("200");
        });
    // The host itself refusing ECH resets it for everyone, the tunnel too: not censorship.
    during(
        List.of("ech-reject", address),
        () -> {
          assertThat(hello("home", address, name, "ech")).isEqualTo("reset");
          assertThat(hello("vps", address, name, "ech")).isEqualTo("reset");
          assertThat(hello("home", address, name, "browser")).isEqualTo("server_hello");
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("site62")
  void aFingerprintFilterFreezesTheBrowserShapedHelloButNotOpenssl(
      Family family, String address, String name) {
    during(
        List.of("fingerprint", address),
        () -> {
          assertThat(hello("home", address, name, "browser")).isEqualTo("silent");
          assertThat(hello("home", address, name, "plain")).isEqualTo("server_hello");
          assertThat(hello("vps", address, name, "browser")).isEqualTo("server_hello");
          // curl's and openssl's hellos carry no GREASE: they pass.
          assertThat(family.httpStatus("-k", "https://" + name + "/")).isEqualTo("200");
          assertThat(
                  home(
                          "sh",
                          "-c",
                          "echo | timeout 5 openssl s_client -connect "
                              + family.hostPort(address, 443)
                              + " -servername "
                              + name
                              + " 2>&1")
                      .output())
              .contains("TLSv1.3");
        });
  }

  @Test
  void allowlistModeCutsEverythingAbroadButTheKeptHostsAndTheTunnel() {
    during(
        List.of("allowlist", Lab.BLOCK_PAGE),
        () -> {
          assertThat(curl("-m", "2", "http://" + Lab.WEB1 + "/").exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(curl("-m", "2", "http://198.18.0.64/").exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(httpStatus("http://" + Lab.BLOCK_PAGE + "/")).isEqualTo("302");
          assertThat(httpStatus("--interface", "vx0", "http://" + Lab.WEB1 + "/")).isEqualTo("200");
          assertThat(home("dig", "+short", "+time=2", "+tries=1", "www." + Lab.ZONE).output())
              .contains(Lab.WEB1);
        });
    assertThat(httpStatus("http://" + Lab.WEB1 + "/")).isEqualTo("200");
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

  // ---- IPv6: every scenario again, given an IPv6 address, proved with curl -6, ping -6 and
  // tcpdump. hping3 has no IPv6: the lab's syn6.py sends its bare SYN.

  static String v6url(String scheme, String address) {
    return scheme + "://[" + address + "]/";
  }

  static Lab.Result curl6(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "-6";
    System.arraycopy(args, 0, all, 1, args.length);
    return curl(all);
  }

  static String httpStatus6(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "-6";
    System.arraycopy(args, 0, all, 1, args.length);
    return httpStatus(all);
  }

  static int ping6(String... args) {
    List<String> command = new ArrayList<>(List.of("ping", "-6", "-c", "1", "-W", "2"));
    command.addAll(List.of(args));
    return home(command.toArray(String[]::new)).exit();
  }

  /** One bare MSS-only SYN (64 bytes) from home: "syn_ack hlim N", "rst hlim N" or "silent". */
  static String syn6(String address, int port) {
    String script = Path.of("src/test/lab/syn6.py").toAbsolutePath().toString();
    return home("python3", script, address, String.valueOf(port)).output().strip();
  }

  static String dig6(String... args) {
    List<String> command = new ArrayList<>(List.of("dig", "+short", "AAAA"));
    command.addAll(List.of(args));
    return home(command.toArray(String[]::new)).output().strip();
  }

  /** What tcpdump saw at home while curl -6 to {@code address} ended so. */
  static String captureWhileCurling6(String filter, int packets, String address, int curlExit) {
    try {
      return capture(
          filter,
          packets,
          () -> assertThat(curl6(v6url("http", address)).exit()).isEqualTo(curlExit));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** RSTs from {@code address} (BPF's tcp[] does not reach into IPv6: byte 13 of TCP is 53). */
  static String resetsFrom6(String address, int curlExit) {
    return captureWhileCurling6(
        "ip6 and src host " + address + " and ip6[53] & 4 != 0", 1, address, curlExit);
  }

  @Test
  void overIpv6RealHostsAnswerFromThreeRoutersAwayAndThroughTheTunnel() {
    assertThat(httpStatus6("http://www." + Lab.ZONE6 + "/")).isEqualTo("200");
    assertThat(syn6(Lab.WEB1_6, 80)).isEqualTo("syn_ack hlim 61");
    assertThat(httpStatus6("--interface", "vx0", v6url("http", Lab.WEB1_6))).isEqualTo("200");
    assertThat(ping6("-I", Lab.TUNNEL_HOME6, Lab.WEB1_6)).isZero();
    assertThat(ping6(Lab.WEB1_6)).isZero();
    // The PC behind home reaches IPv6 too, through home's NAT66.
    assertThat(
            lab.run("lan", SHORT, "curl", "-6", "-s", "-m", "3", v6url("http", Lab.WEB1_6))
                .output())
        .contains("works");
    // Names: v6.lab.test has AAAA only, ds.lab.test both, and lab.test's stay IPv4 only.
    assertThat(dig6("www." + Lab.ZONE6)).isEqualTo(Lab.WEB1_6);
    assertThat(dig6("www." + Lab.ZONE_DS)).isEqualTo(Lab.WEB1_6);
    assertThat(home("dig", "+short", "www." + Lab.ZONE_DS).output().strip()).isEqualTo(Lab.WEB1);
    assertThat(dig6("www." + Lab.ZONE)).isEmpty();
    assertThat(dig6("s7." + Lab.ZONE6)).isEqualTo("2001:db8:1800::7");
  }

  @Test
  void overIpv6TheSeedRstIsForgedWithoutAckSeqZeroAndAForeignHopLimit() {
    during(
        List.of("rst-seed", Lab.WEB2_6, "80"),
        () -> {
          String packets = resetsFrom6(Lab.WEB2_6, CURL_TIMEOUT);
          // The real host's packets arrive with hop limit 61 and a flow label; the forged
          // one with 58 and none.
          assertThat(packets)
              .contains("IP6 (hlim 58, next-header TCP (6) payload length: 20)")
              .contains("Flags [R], cksum")
              .contains(", seq 0, win");
          assertThat(httpStatus6("--interface", "vx0", v6url("http", Lab.WEB2_6))).isEqualTo("200");
        });
    assertThat(httpStatus6(v6url("http", Lab.WEB2_6))).isEqualTo("200");
  }

  @Test
  void overIpv6AWellFormedRstRefusesWithAHopLimitNotTheHosts() {
    during(
        List.of("rst", Lab.WEB2_6, "80"),
        () -> {
          assertThat(resetsFrom6(Lab.WEB2_6, CURL_REFUSED))
              .contains("hlim 58,")
              .contains("Flags [R.]");
          // The host's own answers: hop limit 61.
          assertThat(syn6(Lab.WEB2_6, 443)).isEqualTo("syn_ack hlim 61");
        });
    during(
        List.of("closed", Lab.WEB2_6, "80"),
        () ->
            assertThat(resetsFrom6(Lab.WEB2_6, CURL_REFUSED))
                .contains("hlim 61,")
                .contains("Flags [R.]"));
  }

  @Test
  void overIpv6ABlackHoleDropsSynsButAnswersPing() {
    during(
        List.of("blackhole", Lab.WEB2_6, "80"),
        () -> {
          assertThat(curl6(v6url("http", Lab.WEB2_6)).exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(ping6(Lab.WEB2_6)).isZero();
          assertThat(syn6(Lab.WEB2_6, 443)).isEqualTo("syn_ack hlim 61");
          // IPv4 to the same host is untouched.
          assertThat(httpStatus("http://" + Lab.WEB2 + "/")).isEqualTo("200");
        });
  }

  @Test
  void overIpv6TheDpiResetsTheEightyByteSynAndPassesTheSixtyFourByteOne() {
    during(
        List.of("dpi-syn", Lab.WEB2_6, "80"),
        () -> {
          assertThat(syn6(Lab.WEB2_6, 80)).isEqualTo("syn_ack hlim 61");
          String packets =
              captureWhileCurling6(
                  "ip6 and tcp and host " + Lab.WEB2_6, 2, Lab.WEB2_6, CURL_TIMEOUT);
          // Linux's SYN is 40 bytes of TCP after the 40-byte header: 80; the answer has hop limit
          // 8.
          assertThat(packets)
              .contains("payload length: 40)")
              .contains("IP6 (hlim 8, next-header TCP (6) payload length: 20)")
              .contains("Flags [R]");
        });
  }

  @Test
  void overIpv6TheBlockPageRedirectsToTheWarningPage() {
    String blocked = "blocked." + Lab.ZONE6;
    during(
        List.of("blockpage", Lab.WEB3_6),
        () -> {
          Lab.Result head =
              curl6(
                  "-i",
                  "--resolve",
                  blocked + ":80:[" + Lab.WEB3_6 + "]",
                  "http://" + blocked + "/forum/index.php");
          assertThat(head.output())
              .startsWith("HTTP/1.1 302")
              .contains(
                  "Location: http://warning."
                      + Lab.ZONE6
                      + "/?id=9&st=0&dt="
                      + blocked
                      + "&rs=http%3A%2F%2F"
                      + blocked
                      + "%2Fforum%2Findex.php");
          assertThat(curl6("-L", v6url("http", Lab.WEB3_6)).output()).contains("Доступ ограничен");
        });
    assertThat(curl6(v6url("http", Lab.WEB3_6)).output()).contains(" works");
  }

  @Test
  void overIpv6HttpTamperingResetsOnlyTheBlockedHost() {
    String blocked = "tampered." + Lab.ZONE6;
    during(
        List.of("http-tamper", Lab.WEB4_6, blocked),
        () -> {
          assertThat(curl6("-H", "Host: " + blocked, v6url("http", Lab.WEB4_6)).exit())
              .isEqualTo(CURL_RESET);
          assertThat(httpStatus6("-H", "Host: www." + Lab.ZONE6, v6url("http", Lab.WEB4_6)))
              .isEqualTo("200");
          assertThat(syn6(Lab.WEB4_6, 80)).isEqualTo("syn_ack hlim 61");
        });
  }

  @Test
  void overIpv6TheIspResolverLiesAboutAaaaButTheTunnelGetsTheTruth() {
    String name = "blocked." + Lab.ZONE6;
    during(
        List.of("dns-spoof", name),
        () -> {
          assertThat(dig6(name)).isEqualTo(Lab.BLOCK_PAGE6);
          // Asked over IPv6 of another server: intercepted too.
          assertThat(dig6("-6", "@" + Lab.DNS6, name)).isEqualTo(Lab.BLOCK_PAGE6);
          // The name has no A record, and the lie adds none.
          assertThat(home("dig", "+short", name).output().strip()).isEmpty();
          assertThat(dig6("-b", Lab.TUNNEL_HOME6, "@" + Lab.DNS6, name)).isEqualTo(Lab.WEB2_6);
        });
    // A dual-stack name is lied about in both families.
    String both = "blocked." + Lab.ZONE_DS;
    during(
        List.of("dns-spoof", both),
        () -> {
          assertThat(dig6(both)).isEqualTo(Lab.BLOCK_PAGE6);
          assertThat(home("dig", "+short", both).output().strip()).isEqualTo(Lab.BLOCK_PAGE);
        });
    during(
        List.of("dns-spoof", name, "nxdomain"),
        () ->
            assertThat(home("dig", "-6", "AAAA", "@" + Lab.DNS6, name).output())
                .contains("status: NXDOMAIN"));
    assertThat(dig6(name)).isEqualTo(Lab.WEB2_6);
  }

  @Test
  void overIpv6ASilentResolverTimesOutButTheTunnelResolves() {
    String name = "www." + Lab.ZONE6;
    during(
        List.of("resolver-down"),
        () -> {
          assertThat(
                  home("dig", "-6", "+time=1", "+tries=1", "AAAA", "@" + Lab.ISP_RESOLVER6, name)
                      .output())
              .contains("timed out");
          assertThat(dig6("-b", Lab.TUNNEL_HOME6, "@" + Lab.DNS6, name)).isEqualTo(Lab.WEB1_6);
        });
    assertThat(dig6("-6", "@" + Lab.ISP_RESOLVER6, name)).isEqualTo(Lab.WEB1_6);
  }

  @Test
  void overIpv6AnIcmpOnlyFilterLeavesTcpAlone() {
    during(
        List.of("icmp-filter", Lab.WEB1_6),
        () -> {
          assertThat(ping6(Lab.WEB1_6)).isNotZero();
          assertThat(home("ping", "-c", "1", "-W", "2", Lab.WEB1).exit()).isZero();
          assertThat(httpStatus6(v6url("http", Lab.WEB1_6))).isEqualTo("200");
        });
  }

  @Test
  void overIpv6ALossyLinkLosesSomePacketsButNeverEverything() {
    during(
        List.of("lossy", "10"),
        () -> {
          String ping =
              home("ping", "-6", "-q", "-c", "100", "-i", "0.01", "-W", "1", Lab.WEB1_6).output();
          int loss = Integer.parseInt(ping.replaceAll("(?s).* (\\d+)% packet loss.*", "$1"));
          assertThat(loss).isBetween(2, 60);
          for (int i = 0; i < 3; i++) {
            assertThat(
                    httpStatus6(
                        "-m",
                        "10",
                        "--retry",
                        "3",
                        "--connect-timeout",
                        "2",
                        v6url("http", Lab.WEB1_6)))
                .isEqualTo("200");
          }
        });
  }

  @Test
  void overIpv6AThrottleCrawlsHereAndNotThroughTheTunnel() {
    String address = "2001:db8:1800::40";
    String site = "https://s40." + Lab.ZONE6 + "/";
    during(
        List.of("throttle", address, "128kbit"),
        () -> {
          Fetched here = fetch(25, "-6", site);
          assertThat(here.exit()).isZero();
          assertThat(here.bytes()).isGreaterThan(200_000);
          assertThat(here.seconds()).as("200 KB at 128 kbit/s").isBetween(6.0, 20.0);
          Fetched tunnel = fetch(5, "-6", "--interface", "vx0", site);
          assertThat(tunnel.bytes()).isEqualTo(here.bytes());
          assertThat(tunnel.seconds()).isLessThan(1.0);
          // The IPv4 address of the same name is not throttled.
          assertThat(fetch(5, "https://s40." + Lab.ZONE + "/").seconds()).isLessThan(1.0);
        });
    during(
        List.of("throttle", address, "128kbit", "s40." + Lab.ZONE6),
        () -> {
          assertThat(fetch(3, "-6", site).exit()).isEqualTo(CURL_TIMEOUT);
          Fetched twin = fetch(3, "-6", "https://w40." + Lab.ZONE6 + "/");
          assertThat(twin.exit()).isZero();
          assertThat(twin.seconds()).isLessThan(1.0);
        });
  }

  @Test
  void overIpv6AFreezeStopsTheAnswerAfterSixteenKilobytes() {
    String address = "2001:db8:1800::41";
    during(
        List.of("freeze", address, "16384"),
        () -> {
          Fetched http = fetch(3, "-6", "http://s41." + Lab.ZONE6 + "/");
          assertThat(http.exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(http.bytes()).isBetween(8_000L, 16_384L);
          Fetched https = fetch(3, "-6", "https://s41." + Lab.ZONE6 + "/");
          assertThat(https.exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(https.bytes()).isZero();
          Fetched tunnel = fetch(5, "-6", "--interface", "vx0", "https://s41." + Lab.ZONE6 + "/");
          assertThat(tunnel.bytes()).isGreaterThan(200_000);
          Fetched small =
              fetch(
                  3,
                  "-6",
                  "--resolve",
                  "small." + Lab.ZONE6 + ":443:[" + address + "]",
                  "https://small." + Lab.ZONE6 + "/");
          assertThat(small.exit()).isZero();
          assertThat(small.bytes()).isBetween(8_000L, 9_000L);
        });
    during(
        List.of("freeze", address, "16384", "s41." + Lab.ZONE6),
        () -> {
          assertThat(fetch(3, "-6", "https://s41." + Lab.ZONE6 + "/").exit())
              .isEqualTo(CURL_TIMEOUT);
          assertThat(fetch(3, "-6", "https://w41." + Lab.ZONE6 + "/").bytes())
              .isGreaterThan(200_000);
        });
  }

  @Test
  void overIpv6ADivertedPageIsAnotherIspsBlockPageAndASlowSiteIsSlowEverywhere() {
    during(
        List.of("divert", "2001:db8:1800::43"),
        () -> {
          assertThat(curl6("http://s43." + Lab.ZONE6 + "/").output())
              .contains("Ресурс заблокирован");
          assertThat(curl6("--interface", "vx0", "http://s43." + Lab.ZONE6 + "/").output())
              .contains("s43." + Lab.ZONE6 + " works");
        });
    during(
        List.of("slow", "2001:db8:1800::44", "128kbit"),
        () -> {
          String site = "https://s44." + Lab.ZONE6 + "/";
          for (Fetched f :
              List.of(fetch(3, "-6", site), fetch(3, "-6", "--interface", "vx0", site))) {
            assertThat(f.exit()).isEqualTo(CURL_TIMEOUT);
            assertThat(f.bytes()).isBetween(8_000L, 120_000L);
          }
        });
  }

  @Test
  void overIpv6TheResolverCanAnswerWithTheParkingPage() {
    String name = "s45." + Lab.ZONE6;
    during(
        List.of("dns-spoof", name, Lab.PARKING6),
        () -> {
          assertThat(dig6(name)).isEqualTo(Lab.PARKING6);
          assertThat(
                  home("curl", "-6", "-s", "-k", "-v", "-m", "3", "https://" + name + "/").output())
              .contains("This domain is parked")
              .contains("subject: CN=parking.example");
        });
  }

  @Test
  void overIpv6AllowlistModeCutsEverythingButTheKeptHostsAndTheTunnel() {
    during(
        List.of("allowlist", Lab.BLOCK_PAGE, Lab.BLOCK_PAGE6),
        () -> {
          assertThat(curl6("-m", "2", v6url("http", Lab.WEB1_6)).exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(curl6("-m", "2", v6url("http", "2001:db8:1800::64")).exit())
              .isEqualTo(CURL_TIMEOUT);
          assertThat(httpStatus6(v6url("http", Lab.BLOCK_PAGE6))).isEqualTo("302");
          assertThat(httpStatus6("--interface", "vx0", v6url("http", Lab.WEB1_6))).isEqualTo("200");
          assertThat(dig6("+time=2", "+tries=1", "www." + Lab.ZONE6)).isEqualTo(Lab.WEB1_6);
        });
    // Kept only IPv4 hosts: all of IPv6 is cut.
    during(
        List.of("allowlist", Lab.BLOCK_PAGE),
        () ->
            assertThat(curl6("-m", "2", v6url("http", Lab.BLOCK_PAGE6)).exit())
                .isEqualTo(CURL_TIMEOUT));
    assertThat(httpStatus6(v6url("http", Lab.WEB1_6))).isEqualTo("200");
  }

  @Test
  void overIpv6AMassBlockDropsA48InsideThePrefixInetAnswersFor() {
    List<String> sample =
        List.of(
            "2001:db8:1842::1", "2001:db8:1842:77::200", "2001:db8:1842:ffff:ffff:ffff:ffff:fffe");
    for (String address : sample) {
      assertThat(httpStatus6(v6url("http", address))).isEqualTo("200");
    }
    during(
        List.of("mass", "2001:db8:1842::/48"),
        () -> {
          for (String address : sample) {
            assertThat(curl6("-m", "2", v6url("http", address)).exit()).isEqualTo(CURL_TIMEOUT);
            assertThat(httpStatus6("--interface", "vx0", v6url("http", address))).isEqualTo("200");
          }
          assertThat(ping6(sample.get(0))).isNotZero();
          // The /48 next door, in the same /40, answers.
          assertThat(httpStatus6(v6url("http", "2001:db8:1843::1"))).isEqualTo("200");
        });
  }

  @Test
  void aDualStackNameCanBeBlockedInOneFamilyOnly() {
    String name = "http://blocked." + Lab.ZONE_DS + "/";
    during(
        List.of("rst", Lab.WEB2, "80"),
        () -> {
          assertThat(curl("-4", name).exit()).isEqualTo(CURL_REFUSED);
          assertThat(httpStatus6(name)).isEqualTo("200");
        });
    during(
        List.of("blackhole", Lab.WEB2_6, "80"),
        () -> {
          assertThat(curl6(name).exit()).isEqualTo(CURL_TIMEOUT);
          assertThat(httpStatus("-4", name)).isEqualTo("200");
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
