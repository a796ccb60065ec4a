package dev.detour.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.route.mikrotik.RouterOsEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Detection latency in the censorship lab (docs/lab.md): the packaged service on the lab's home,
 * rounds every {@value #INTERVAL} s, two bad rounds to block; the censor black-holes one target,
 * later a whole /16, then throttles one host's page and freezes another's after 16 KB (host
 * watches, the transfer at its default cadence); from the moment the lab switches the block on, how
 * long until Detour's verdict and until the route is on the router — the Linux backend (home's own
 * table) or the MikroTik emulator (RouterOS REST) — and, once the censor lets go, until the route
 * is withdrawn.
 */
final class LatencyBench {

  static final int INTERVAL = 5;
  static final String TARGET = "198.18.0.40";
  static final String MASS = "198.18.0.0/16";
  private static final String TABLE = "1001";

  /** One block's timings, in seconds from its onset (withdrawal: from its lifting). */
  record Result(
      String router, String block, double verdict, double routed, double withdrawn, int routes) {}

  private LatencyBench() {}

  static List<Result> run(String backend) throws Exception {
    List<Result> results = new ArrayList<>();
    try (Lab lab = Lab.up()) {
      String home = lab.namespace("home");
      RouterOsEmulator router = null;
      Map<String, String> c = DetourProcess.quickHome(INTERVAL);
      c.put("detour.routes.allow-reserved", "198.18.0.0/15");
      c.put("detour.routes.withdraw-grace", "0s");
      c.put("detour.routes.sync-every", "5s");
      c.put("detour.alerts.enabled", "false");
      // A /16 is 256 samples of three packets here and as many through the tunnel each round: at
      // the default 200 packets/s a round would take 8 s, longer than the 5 s interval.
      c.put("detour.probe.packets-per-second", "2000");
      // The first bad round is confirmed a second later, not an interval later (the default 5 s
      // is for the default 60 s rounds; it is off at intervals of 5 s and less).
      c.put("detour.verdict.recheck-after", "1s");
      if (backend.equals("linux")) {
        c.put("detour.routers.home.type", "linux");
        c.put("detour.routers.home.gateway", Lab.TUNNEL_VPS + "%vx0");
      } else {
        router =
            NetNs.call(
                home,
                () -> {
                  RouterOsEmulator r = new RouterOsEmulator();
                  r.restUrl();
                  return r;
                });
        router.interfaceState("gre-tunnel1", true, false);
        c.putAll(RouterOsEmulator.homeRouter(NetNs.call(home, router::restUrl)));
      }
      Path dir = Files.createTempDirectory("detour-latency-");
      RouterOsEmulator emulator = router;
      try (DetourProcess detour =
          DetourProcess.startAsUser(home, dir, DetourProcess.freePort(), c, List.of())) {
        detour.post("/api/groups", "{\"name\":\"lab\",\"probes\":[\"icmp\",\"tcp_syn\"]}");
        detour.post(
            "/api/watches", "{\"target\":\"" + TARGET + "\",\"group\":\"lab\",\"ports\":[80]}");
        await(Duration.ofSeconds(60), () -> state(detour, TARGET).equals("up"));

        long onset = System.nanoTime();
        lab.block("blackhole", TARGET, "80");
        double verdict =
            await(Duration.ofSeconds(60), () -> state(detour, TARGET).startsWith("blocked"));
        double routed =
            await(Duration.ofSeconds(60), () -> routed(lab, emulator, TARGET + "/32"), onset);
        long lifted = System.nanoTime();
        lab.unblock("blackhole", TARGET, "80");
        double withdrawn =
            await(Duration.ofSeconds(90), () -> !routed(lab, emulator, TARGET + "/32"), lifted);
        results.add(new Result(backend, "one target", verdict, routed, withdrawn, 1));

        detour.post(
            "/api/watches", "{\"target\":\"" + MASS + "\",\"group\":\"lab\",\"ports\":[80]}");
        await(Duration.ofSeconds(120), () -> state(detour, MASS).equals("up"));
        onset = System.nanoTime();
        lab.block("mass", MASS);
        verdict = await(Duration.ofSeconds(120), () -> state(detour, MASS).startsWith("blocked"));
        routed = await(Duration.ofSeconds(120), () -> routed(lab, emulator, MASS), onset);
        int routes = routes(lab, emulator).size();
        lifted = System.nanoTime();
        lab.unblock("mass", MASS);
        withdrawn = await(Duration.ofSeconds(180), () -> !routed(lab, emulator, MASS), lifted);
        results.add(new Result(backend, "a /16 mass block", verdict, routed, withdrawn, routes));

        // Today's censor on host watches, whose pages are fetched (a transfer every 10 rounds by
        // default, every round once the cheap probes suspect a crawl or a freeze).
        detour.post(
            "/api/groups",
            "{\"name\":\"pages\",\"probes\":[\"tcp_syn\",\"http\",\"tls\",\"dns\",\"transfer\"]}");
        results.add(
            hostBlock(
                lab,
                detour,
                emulator,
                backend,
                "a throttle to 128 kbit/s",
                "s41." + Lab.ZONE,
                "198.18.0.41",
                "throttle",
                "128kbit"));
        results.add(
            hostBlock(
                lab,
                detour,
                emulator,
                backend,
                "a freeze after 16 KB",
                "s42." + Lab.ZONE,
                "198.18.0.42",
                "freeze",
                "16384"));
      } finally {
        if (router != null) {
          router.close();
        }
        Tools.quietly("rm -rf " + dir);
      }
    }
    results.forEach(r -> System.out.printf(Locale.ROOT, "latency %s%n", r));
    return results;
  }

  /**
   * A host watch's block by {@code scenario} on its address: seconds to the verdict, to the route,
   * and from the censor's letting go to the route's withdrawal.
   */
  private static Result hostBlock(
      Lab lab,
      DetourProcess detour,
      RouterOsEmulator emulator,
      String backend,
      String label,
      String name,
      String address,
      String... scenario)
      throws Exception {
    detour.post("/api/watches", "{\"target\":\"" + name + "\",\"group\":\"pages\"}");
    await(Duration.ofSeconds(120), () -> state(detour, name).equals("up"));
    String[] words = new String[scenario.length + 1];
    words[0] = scenario[0];
    words[1] = address;
    System.arraycopy(scenario, 1, words, 2, scenario.length - 1);
    long onset = System.nanoTime();
    lab.block(words);
    double verdict =
        await(Duration.ofSeconds(180), () -> state(detour, name).startsWith("blocked"));
    double routed =
        await(Duration.ofSeconds(120), () -> routed(lab, emulator, address + "/32"), onset);
    long lifted = System.nanoTime();
    lab.unblock(words);
    double withdrawn =
        await(Duration.ofSeconds(180), () -> !routed(lab, emulator, address + "/32"), lifted);
    return new Result(backend, label, verdict, routed, withdrawn, 1);
  }

  /** Seconds from {@code from} until {@code done} holds. */
  private static double await(Duration limit, BooleanSupplier done, long from) throws IOException {
    while (System.nanoTime() - from < limit.toNanos()) {
      if (done.getAsBoolean()) {
        return (System.nanoTime() - from) / 1e9;
      }
      BenchLab.sleep(200);
    }
    throw new IOException("not within " + limit.toSeconds() + " s");
  }

  private static double await(Duration limit, BooleanSupplier done) throws IOException {
    return await(limit, done, System.nanoTime());
  }

  private static String state(DetourProcess detour, String target) {
    try {
      for (JsonNode row : detour.get("/api/status?size=100")) {
        if (row.get("target").asText().equals(target)) {
          return row.get("status").get("state").asText();
        }
      }
    } catch (Exception e) {
      // Not yet.
    }
    return "none";
  }

  private static boolean routed(Lab lab, RouterOsEmulator router, String prefix) {
    return routes(lab, router).contains(prefix);
  }

  /** Detour's routes on the router, as prefixes. */
  private static List<String> routes(Lab lab, RouterOsEmulator router) {
    List<String> all = new ArrayList<>();
    if (router != null) {
      for (Map<String, String> e : router.entries("ip/route")) {
        String comment = e.getOrDefault("comment", "");
        if (comment.startsWith("detour")) {
          all.add(e.get("dst-address"));
        }
      }
      return all;
    }
    all.addAll(lab.detourRoutes("home", TABLE).keySet());
    return all;
  }
}
