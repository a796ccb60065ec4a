package dev.detour.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.detour.alert.HookServer;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.route.mikrotik.RouterOsEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web UI in a real browser — Debian's Chromium, driven by Playwright — against the packaged
 * service running on the lab's home, with an emulated MikroTik as its router: a user logs in, adds
 * a watch, imports a list with a bad line, sees a lab target turn blocked without reloading, opens
 * its evidence, plans and applies routes, and logs out. Screenshots of each page, wide and at 375
 * px, go to target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

  @RegisterExtension static final Lab lab = Lab.perClass();

  static final int PORT = 8195;
  static final Path SHOTS = Path.of("target", "screenshots");

  static RouterOsEmulator router;
  static HookServer hooks;
  static DetourProcess detour;
  static Chromium chromium;
  static BrowserContext context;
  static Page page;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(SHOTS);
    // The router listens where Detour runs: on home's loopback.
    router =
        NetNs.call(
            lab.namespace("home"),
            () -> {
              RouterOsEmulator r = new RouterOsEmulator();
              r.restUrl();
              return r;
            });
    router.interfaceState("gre-tunnel1", true, false);
    String url = NetNs.call(lab.namespace("home"), router::restUrl);
    hooks = NetNs.call(lab.namespace("home"), HookServer::new);
    Map<String, String> c = DetourProcess.quickHome(3);
    c.put("detour.alerts.group-wait", "2s");
    c.put("detour.alerts.channels.hook.type", "webhook");
    c.put("detour.alerts.channels.hook.url", hooks.base() + "/hook");
    c.put("detour.alerts.channels.refusing.type", "webhook");
    c.put("detour.alerts.channels.refusing.url", hooks.base() + "/refusing");
    c.put("detour.alerts.channels.refusing.events", "blocked");
    c.put("detour.routers.home.type", "mikrotik-rest");
    c.put("detour.routers.home.url", url);
    c.put("detour.routers.home.username", RouterOsEmulator.USER);
    c.put("detour.routers.home.password", RouterOsEmulator.PASSWORD);
    c.put("detour.routers.home.gateway", "gre-tunnel1");
    c.put("detour.routes.allow-reserved", "198.18.0.0/15");
    c.put("detour.routes.dry-run", "true");
    c.put("detour.routes.sync-every", "5s");
    detour =
        DetourProcess.start(
            lab.namespace("home"), Files.createTempDirectory("detour-browser-"), PORT, c);
    chromium = Chromium.start(lab.namespace("home"));
    context =
        chromium
            .browser()
            .newContext(
                new Browser.NewContextOptions()
                    .setViewportSize(1280, 900)
                    // A user east of UTC: the pages' times come in their zone, UTC on hover.
                    .setTimezoneId("Asia/Yekaterinburg"));
    context.setDefaultTimeout(20_000);
    page = context.newPage();
    // What the browser saw go wrong shows in the test's output.
    page.onConsoleMessage(m -> System.out.println("browser console: " + m.type() + " " + m.text()));
    page.onPageError(e -> System.out.println("browser page error: " + e));
    page.onResponse(
        r -> {
          if (r.status() >= 400
              || !r.url().contains("/static/") && !r.url().contains("/webjars/")) {
            System.out.println(
                "browser got " + r.status() + " for " + r.request().method() + " " + r.url());
          }
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (detour != null) {
      detour.stop();
    }
    if (router != null) {
      router.close();
    }
    if (hooks != null) {
      hooks.close();
    }
  }

  /** A failed step leaves a screenshot and the page's HTML behind. */
  @RegisterExtension
  static final org.junit.jupiter.api.extension.TestWatcher onFailure =
      new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(
            org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
          if (page != null) {
            String name = "failed-" + context.getRequiredTestMethod().getName();
            page.screenshot(
                new Page.ScreenshotOptions()
                    .setPath(SHOTS.resolve(name + ".png"))
                    .setFullPage(true));
            try {
              Files.writeString(SHOTS.resolve(name + ".html"), page.content());
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }
      };

  static String at(String path) {
    return "http://127.0.0.1:" + PORT + path;
  }

  /** A screenshot of the whole page, wide and at a phone's 375 px. */
  static void shoot(String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    page.setViewportSize(375, 812);
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + "-375.png")).setFullPage(true));
    Object overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1");
    assertThat((Boolean) overflow).as("%s fits 375 px without sideways scrolling", name).isFalse();
    page.setViewportSize(1280, 900);
  }

  @Test
  @Order(1)
  void aUserLogsIn() {
    page.navigate(at("/settings/access"));
    assertThat(page).hasURL(at("/login?next=%2Fsettings%2Faccess"));
    shoot("login");
    page.getByLabel("User name").fill("admin");
    page.getByLabel("Password").fill("not the password");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(page.getByRole(AriaRole.ALERT)).containsText("Wrong user name or password");
    page.getByLabel("Password").fill(DetourProcess.ADMIN_PASSWORD);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(page).hasURL(at("/settings/access"));
    assertThat(page.locator("header .who")).containsText("admin");
  }

  static final String TARGET = "198.18.0.50";
  static String watchUrl;

  static void click(String button) {
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(button).setExact(true))
        .click();
  }

  @Test
  @Order(10)
  void aNewUserStartsFromAnEmptyOverview() {
    page.navigate(at("/"));
    assertThat(page.locator("h1")).hasText("Overview");
    assertThat(page.getByText("Nothing watched yet")).isVisible();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add a watch")).click();
    assertThat(page.getByText("there is none yet")).isVisible();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("create one")).click();
    assertThat(page).hasURL(at("/watches/groups"));
    page.locator("#new-group").getByLabel("Name").fill("lab");
    page.locator("#new-group").getByLabel("Interval in seconds").fill("5");
    click("Create group");
    assertThat(page.locator("#new-group .field-error")).containsText("interval is");
    // Empty: the default interval, which this instance sets to 3 s.
    page.locator("#new-group").getByLabel("Interval in seconds").fill("");
    click("Create group");
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Group lab created");
    shoot("groups");
  }

  @Test
  @Order(20)
  void anAdminAddsAWatchAndSeesMistakesNextToTheField() {
    page.navigate(at("/watches"));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Add a watch")).click();
    // The list's labels hold their options' words ("by target"): fill once the form is here.
    page.waitForURL("**/watches/new**");
    page.getByLabel("Target").fill("198.18.0.300");
    page.getByLabel("Ports").fill("80");
    click("Add watch");
    assertThat(page.locator("#target-error")).isVisible();
    assertThat(page.getByLabel("Target")).hasAttribute("aria-invalid", "true");
    shoot("watch-form");
    page.getByLabel("Target").fill(TARGET);
    click("Add watch");
    assertThat(page.getByRole(AriaRole.STATUS)).containsText("Watch added");
    assertThat(page.locator("h1")).containsText(TARGET);
    watchUrl = page.url().replaceAll("\\?.*", "");
  }

  @Test
  @Order(30)
  void anImportWithABadLineShowsItAndStoresNothing() {
    page.navigate(at("/watches/import"));
    // A file chosen from the disk, with one line that is not a target.
    page.locator("input[name=file]")
        .setInputFiles(
            new FilePayload(
                "lab.lst",
                "text/plain",
                "198.18.0.51\nnot a target!!\n198.18.0.52\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    page.getByLabel("Group (for lines").fill("lab");
    click("Import");
    assertThat(page.locator("#bad-lines")).containsText("not a target!!");
    assertThat(page.locator("#bad-lines tbody tr")).hasCount(1);
    assertThat(page.locator("#bad-lines tbody td").first()).hasText("2");
    assertThat(page.locator("#import-problem")).containsText("nothing was imported");
    assertThat(page.locator("#import-form")).containsText("holding lab.lst");
    shoot("import");
    page.locator("textarea[name=list]").fill("198.18.0.51\n198.18.0.52\n");
    click("Import");
    assertThat(page.locator("#import-report")).containsText("2 new");
    page.navigate(at("/watches?group=lab"));
    assertThat(page.locator("#watches tbody tr")).hasCount(3);
  }

  @Test
  @Order(40)
  void aLabTargetTurnsBlockedWithoutAReload() {
    page.navigate(watchUrl);
    assertThat(page.locator("#watch-state"))
        .hasText(
            "up",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                .setTimeout(60_000));
    page.evaluate("window.detourMark = 'same page'");
    lab.block("rst-seed", TARGET, "80");
    assertThat(page.locator("#watch-state"))
        .hasText(
            "blocked",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                .setTimeout(60_000));
    assertThat(page.evaluate("window.detourMark")).isEqualTo("same page");
    assertThat(page.locator("#watch-method")).hasText("tcp_rst_injected");
  }

  @Test
  @Order(50)
  void itsEvidenceShowsTheInjectedResetBothSidesAndThePcap() {
    page.navigate(watchUrl);
    assertThat(page.locator("#evidence")).containsText("Flags [S]");
    assertThat(page.locator("#evidence .vantage h4")).hasCount(2);
    shoot("watch");
    page.locator("a[href^='/incidents/']").first().click();
    assertThat(page.locator("h1")).containsText(TARGET);
    assertThat(page.locator("#evidence pre.packets .bad").first()).containsText("Flags [R");
    String pcap = page.locator("#evidence a.pcap").first().getAttribute("href");
    // Fetched by the page itself: the browser, not the test, is inside the lab's namespace.
    Object got =
        page.evaluate(
            "async (u) => { const r = await fetch(u); "
                + "return r.status + ' ' + r.headers.get('content-type') + ' ' "
                + "+ (await r.arrayBuffer()).byteLength; }",
            pcap);
    String[] answer = got.toString().split(" ");
    assertThat(answer[0]).isEqualTo("200");
    assertThat(answer[1]).contains("pcap");
    assertThat(Integer.parseInt(answer[2])).isGreaterThan(24); // a pcap header and packets
    shoot("incident");
    page.navigate(at("/incidents"));
    assertThat(page.locator("#incidents")).containsText(TARGET);
    shoot("incidents");
    page.navigate(at("/"));
    assertThat(page.locator("[data-state=blocked]")).hasText("1");
    assertThat(page.locator("#recent-blocks")).containsText(TARGET);
    shoot("overview");
  }

  /**
   * The watch's history as drawn: the week's strip starts where the watch was added (not a week of
   * "up" before it), the block shows in the day's strip and the heartbeat bars, the rounds the
   * censor answered are marked on the latency chart instead of drawn as latency, and the list shows
   * the same bars.
   */
  @Test
  @Order(55)
  void theHistoryShowsTheBlockFromTheWatchesCreationOn() {
    page.navigate(watchUrl);
    var week = page.locator("[data-span='Last 7 days'] svg rect");
    assertThat(week.first()).hasClass("fill-none");
    org.assertj.core.api.Assertions.assertThat(week.first().locator("title").textContent())
        .startsWith("not watched yet: added ");
    assertThat(page.locator("[data-span='Last 24 hours'] svg rect.fill-blocked")).hasCount(1);
    assertThat(page.locator("[data-span='Last 24 hours']")).containsText("blocked");
    org.assertj.core.api.Assertions.assertThat(page.locator(".beats .beat.fill-blocked").count())
        .isPositive();
    org.assertj.core.api.Assertions.assertThat(page.locator("svg.latency path.forged").count())
        .as("rounds answered by the injected reset, marked")
        .isPositive();
    assertThat(page.locator("#history")).containsText("answered by the censor");
    var since = page.locator("dd time").first();
    assertThat(since).containsText("GMT+5");
    assertThat(since).hasAttribute("title", java.util.regex.Pattern.compile(".* UTC$"));
    shoot("watch-history");
    page.navigate(at("/watches"));
    org.assertj.core.api.Assertions.assertThat(
            page.locator("tbody tr .beats .beat.fill-blocked").count())
        .isPositive();
  }

  /**
   * "Ask my ISP" on the seed's blocked target: the first probe's row shows within seconds (the
   * handshakes that wait on timeouts come later), then the verdict and the evidence as on a watch's
   * page, and the way to watch it.
   */
  @Test
  @Order(57)
  void theIspCheckShowsEachProbeAsItEndsThenTheBlock() {
    page.navigate(at("/check"));
    page.getByLabel("Target").fill(TARGET);
    long started = System.nanoTime();
    page.locator("#check-form button[type=submit]").click();
    assertThat(page.locator("#check-steps tbody tr").first()).isVisible();
    System.out.printf(
        "ISP check of %s: first result after %d ms%n",
        TARGET, (System.nanoTime() - started) / 1_000_000);
    assertThat(page.locator("#check-state"))
        .hasText(
            "blocked",
            new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions()
                .setTimeout(90_000));
    System.out.printf(
        "ISP check of %s: verdict after %d ms%n",
        TARGET, (System.nanoTime() - started) / 1_000_000);
    assertThat(page.locator("#check-result")).containsText("tcp_rst_injected");
    assertThat(page.locator("#check-result .evidence")).containsText("Flags [R");
    shoot("check");
    page.locator("#watch-this").click();
    assertThat(page.getByLabel("Target")).hasValue(TARGET);
  }

  /**
   * A list the size of Re:filter's (44,036 entries, here in the benchmarking range, never probed:
   * added disabled, in a group whose one round a day ran while it was empty) enabled by one bulk
   * action on a filter: the review counts them, the confirmation changes them in one transaction.
   */
  @Test
  @Order(58)
  void aWholeImportedGroupIsEnabledByOneBulkAction() throws Exception {
    int n = 44_036;
    long created = System.currentTimeMillis();
    detour.post(
        "/api/groups", "{\"name\":\"refilter\",\"intervalSeconds\":86400,\"probes\":[\"icmp\"]}");
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < n; i++) {
      list.append("198.18.").append(i / 250 + 1).append('.').append(i % 250 + 1).append('\n');
    }
    var imported =
        detour.call(
            "POST",
            "/api/watches/import?group=refilter&format=plain&disabled=true",
            list.toString());
    org.assertj.core.api.Assertions.assertThat(imported.status())
        .as(imported.body())
        .isEqualTo(200);
    // The group's first round runs within the planner's 5 s and a 2-s jitter of its creation,
    // with nothing enabled; the next is a day later.
    long firstRoundOver = created + 10_000;
    Thread.sleep(Math.max(0, firstRoundOver - System.currentTimeMillis()));
    try {
      page.navigate(at("/watches?group=refilter&state=disabled"));
      page.selectOption("#bulk select[name=scope]", "matching");
      page.selectOption("#bulk select[name=action]", "enable");
      page.locator("#bulk button[type=submit]").click();
      assertThat(page.locator("#bulk-confirm h2")).containsText("all " + n + " that match");
      assertThat(page.locator("#bulk-go")).hasText("Enable: " + n + " watches");
      long started = System.nanoTime();
      page.locator("#bulk-go").click();
      assertThat(page.locator(".banner.ok"))
          .containsText(
              "Enable: " + n + " of " + n + " changed.",
              new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                  .setTimeout(60_000));
      System.out.printf(
          "bulk enable of %d watches, click to list: %d ms%n",
          n, (System.nanoTime() - started) / 1_000_000);
      org.assertj.core.api.Assertions.assertThat(
              detour.call("GET", "/api/watches?group=refilter&enabled=true&size=1", null).body())
          .isNotEqualTo("[]");
      shoot("watches-bulk");
    } finally {
      detour.post(
          "/api/watches/bulk", "{\"action\":\"delete\",\"filter\":{\"group\":\"refilter\"}}");
      org.assertj.core.api.Assertions.assertThat(
              detour.call("DELETE", "/api/groups/refilter", null).status())
          .isBetween(200, 299);
    }
  }

  @Test
  @Order(60)
  void routesArePlannedInADryRunThenAppliedToTheRouter() {
    page.navigate(at("/routes"));
    click("Test connection");
    assertThat(page.locator("#routes-notice")).containsText("home answers");
    click("Plan now (change nothing)");
    assertThat(page.locator("#routes-notice")).containsText("nothing was changed");
    assertThat(page.locator("#plan-home")).containsText(TARGET + "/32");
    assertThat(router.route(TARGET + "/32")).isNull();
    shoot("routes");
    page.getByLabel("Dry run").uncheck();
    click("Set switches");
    assertThat(page.locator("#routes-notice")).containsText("dry run off");
    click("Sync now");
    assertThat(page.locator("#routes-notice")).containsText("synced");
    assertThat(router.route(TARGET + "/32")).isNotNull();
    assertThat(page.locator("#plan-home")).containsText("In step");
    page.navigate(at("/routes"));
    assertThat(page.locator("#audit")).containsText(TARGET + "/32");
  }

  @Test
  @Order(70)
  void theOtherPagesRenderOnAPhone() {
    page.navigate(at("/watches"));
    assertThat(page.locator("#watches")).containsText(TARGET);
    shoot("watches");
    // On a phone every section's link and every row's Delete are in sight, not scrolled away.
    page.setViewportSize(375, 812);
    try {
      for (var shown :
          java.util.List.of(
              page.locator("header nav a[href='/settings']"),
              page.locator("#watches tbody tr").first().locator("button:has-text('Delete')"))) {
        var box = shown.boundingBox();
        org.assertj.core.api.Assertions.assertThat(box.x + box.width)
            .as("%s within 375 px", shown)
            .isLessThanOrEqualTo(375.0);
      }
    } finally {
      page.setViewportSize(1280, 900);
    }
    page.navigate(at("/settings"));
    assertThat(page.locator("main")).containsText("detour.verdict.block-after");
    shoot("settings");
    page.navigate(at("/check"));
    assertThat(page.locator("#check-form")).isVisible();
    shoot("check-form");
    page.navigate(at("/routes/audit"));
    assertThat(page.locator("h1")).hasText("Audit log");
    shoot("audit");
  }

  @Test
  @Order(80)
  void alertChannelsShowHowTheyFareAndTakeATestAndAMaintenanceWindow() {
    page.navigate(at("/settings#alerts"));
    Locator hook = page.locator("[data-channel=hook]");
    // The block of the lab target went out on the webhook and was refused by the other.
    assertThat(hook).containsText("ok");
    assertThat(hook).containsText("sent");
    assertThat(page.locator("[data-channel=refusing]")).containsText("failing");
    assertThat(page.locator("#alert-failed")).containsText("HTTP 400 from 127.0.0.1");
    org.assertj.core.api.Assertions.assertThat(hooks.at("/hook"))
        .anyMatch(r -> r.body().contains("\"kind\":\"blocked\"") && r.body().contains(TARGET));
    hook.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send test")).click();
    assertThat(page.locator("#settings-notice")).containsText("queued for hook");
    page.waitForCondition(
        () -> hooks.at("/hook").stream().anyMatch(r -> r.body().contains("\"kind\":\"test\"")));
    page.locator("#alert-failed")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("try again"))
        .first()
        .click();
    assertThat(page.locator("#settings-notice")).containsText("goes again");
    // A maintenance window: a wrong length is refused next to the field, a right one listed.
    Locator form = page.locator("#silence-form");
    form.getByLabel("Hours").fill("soon");
    form.getByLabel("Group").fill("lab");
    click("Silence");
    assertThat(page.locator("#silence-form")).containsText("how many hours, e.g. 2 or 0.5");
    page.locator("#silence-form").getByLabel("Hours").fill("1.5");
    page.locator("#silence-form").getByLabel("Why").fill("ISP works tonight");
    click("Silence");
    assertThat(page.locator("#settings-notice")).containsText("about group lab are silenced");
    assertThat(page.locator("#alert-silences")).containsText("ISP works tonight");
    shoot("settings-alerts");
    page.locator("#alert-silences")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("end now"))
        .click();
    assertThat(page.locator("#settings-notice")).containsText("Maintenance window ended");
    assertThat(page.locator("#alert-silences")).containsText("None now.");
  }

  @Test
  @Order(90)
  void anAdminCreatesATokenThatIsShownOnce() {
    page.navigate(at("/settings/access"));
    page.locator("#tokens").getByLabel("Name").fill("grafana");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
    assertThat(page.locator("#new-token")).containsText("dtr_");
    shoot("access");
    page.navigate(at("/settings/access"));
    assertThat(page.locator("#new-token")).hasCount(0);
    assertThat(page.locator("#tokens")).containsText("grafana");
  }

  /**
   * Every link on every page answers 2xx or 3xx: a crawl from each section, two links deep, of at
   * most 400 addresses, fetched with the browser's own session (no dead export format, no pcap
   * gone, no JSON where a page was promised).
   */
  @Test
  @Order(95)
  void everyLinkOnEveryPageAnswers() {
    java.util.Deque<String[]> queue = new java.util.ArrayDeque<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String start :
        java.util.List.of(
            "/",
            "/watches",
            "/incidents",
            "/routes",
            "/routes/audit",
            "/settings",
            "/check",
            "/watches/groups",
            "/watches/import",
            "/settings/access",
            watchUrl.replaceAll(".*//[^/]+", ""))) {
      queue.add(new String[] {start, "0", "start"});
      seen.add(start);
    }
    java.util.List<String> broken = new java.util.ArrayList<>();
    int fetched = 0;
    while (!queue.isEmpty() && fetched < 400) {
      String[] next = queue.poll();
      String path = next[0];
      // Fetched by the page itself: the browser, not the test, is inside the lab's namespace.
      @SuppressWarnings("unchecked")
      java.util.List<Object> answer =
          (java.util.List<Object>)
              page.evaluate(
                  "async (u) => { const r = await fetch(u); "
                      + "return [r.status, r.headers.get('content-type') || '', await r.text()]; }",
                  path);
      fetched++;
      int status = ((Number) answer.get(0)).intValue();
      if (status >= 400) {
        broken.add(status + " " + path + " (linked from " + next[2] + ")");
        continue;
      }
      String type = (String) answer.get(1);
      if (Integer.parseInt(next[1]) >= 2 || !type.startsWith("text/html")) {
        continue;
      }
      java.util.regex.Matcher links =
          java.util.regex.Pattern.compile("href=\"(/[^\"#]*)\"").matcher((String) answer.get(2));
      while (links.find()) {
        String href = links.group(1).replace("&amp;", "&");
        if (!href.startsWith("/static/") && !href.startsWith("/webjars/") && seen.add(href)) {
          queue.add(new String[] {href, String.valueOf(Integer.parseInt(next[1]) + 1), path});
        }
      }
    }
    System.out.printf("crawled %d links, %d broken%n", fetched, broken.size());
    org.assertj.core.api.Assertions.assertThat(broken).as("links that do not answer").isEmpty();
    org.assertj.core.api.Assertions.assertThat(fetched).isGreaterThan(30);
  }

  @Test
  @Order(99)
  void theUserLogsOut() {
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
    assertThat(page).hasURL(at("/login"));
    page.navigate(at("/settings/access"));
    assertThat(page).hasURL(at("/login?next=%2Fsettings%2Faccess"));
  }
}
