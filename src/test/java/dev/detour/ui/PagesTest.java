package dev.detour.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import dev.detour.incident.Incident;
import dev.detour.monitor.IncidentFixtures;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.testing.Database;
import dev.detour.watch.GroupInput;
import dev.detour.watch.GroupService;
import dev.detour.watch.Watch;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages over HTTP: each renders, each form refuses bad input with the message next to its field
 * and stores nothing, and good input lands where the API would put it.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class PagesTest {

  @Inject Database db;
  @Inject com.fasterxml.jackson.databind.ObjectMapper json;
  @Inject GroupService groups;
  @Inject IncidentFixtures fixtures;

  @BeforeEach
  void empty() {
    db.clear();
    groups.create(new GroupInput("telegram", null, 30, null, null, null));
  }

  static io.restassured.specification.RequestSpecification form() {
    return given().redirects().follow(false).contentType(ContentType.URLENC);
  }

  @Test
  void addingAWatchShowsEachMistakeNextToItsFieldAndStoresNothing() {
    String page =
        form()
            .formParam("target", "not a target!")
            .formParam("group", "telegram")
            .formParam("ports", "80, http")
            .formParam("enabled", "on")
            .post("/watches")
            .then()
            .statusCode(400)
            .contentType(containsString("text/html"))
            .extract()
            .asString();
    assertThat(page).contains("is not a port: give numbers").contains("value=\"not a target!\"");
    assertThat(Watch.count()).isZero();

    page =
        form()
            .formParam("target", "not a target!")
            .formParam("group", "telegram")
            .formParam("ports", "80")
            .post("/watches")
            .then()
            .statusCode(400)
            .extract()
            .asString();
    assertThat(page).contains("class=\"field-error\" id=\"target-error\"");
    assertThat(Watch.count()).isZero();

    String location =
        form()
            .formParam("target", "149.154.167.99")
            .formParam("group", "telegram")
            .formParam("ports", "443")
            .formParam("probes", "tcp_syn")
            .formParam("probes", "icmp")
            .formParam("tags", "messenger dc2")
            .formParam("enabled", "on")
            .post("/watches")
            .then()
            .statusCode(303)
            .extract()
            .header("Location");
    assertThat(location).matches(".*/watches/\\d+\\?notice=added");
    long id = Long.parseLong(location.replaceAll(".*/watches/(\\d+).*", "$1"));
    given()
        .get("/api/watches/" + id)
        .then()
        .statusCode(200)
        .body(containsString("\"ports\":[443]"))
        .body(containsString("\"tags\":[\"dc2\",\"messenger\"]"));

    given()
        .get("/watches/" + id + "?notice=added")
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("149.154.167.99"),
                containsString("Watch added"),
                containsString("id=\"watch-state\""),
                containsString("Last 7 days"),
                containsString("not probed yet")));

    // The same target twice in a group is refused, at the target.
    page =
        form()
            .formParam("target", "149.154.167.99")
            .formParam("group", "telegram")
            .post("/watches")
            .then()
            .statusCode(409)
            .extract()
            .asString();
    assertThat(page).contains("already watched in group");
  }

  @Test
  void theListFiltersEditsDisablesAndDeletes() {
    long a = create("telegram.org", "messenger");
    long b = create("203.0.113.0/24", "lab");
    given()
        .get("/watches")
        .then()
        .statusCode(200)
        .body(allOf(containsString("telegram.org"), containsString("203.0.113.0/24")))
        .body(containsString("2 watches"))
        // A screen reader hears which watch each action is for, and may skip the navigation.
        .body(containsString("aria-label=\"Delete 203.0.113.0/24\""))
        .body(containsString("aria-label=\"Disable telegram.org\""))
        .body(containsString("<a class=\"skip-link\" href=\"#main\">"));
    given()
        .get("/watches?tag=lab")
        .then()
        .body(allOf(containsString("203.0.113.0/24"), not(containsString(">telegram.org<"))));
    given().get("/watches?state=blocked").then().statusCode(200).body(containsString("No watches"));
    given()
        .get("/watches?state=unknown&kind=host")
        .then()
        .body(allOf(containsString("telegram.org"), not(containsString("203.0.113.0/24</a>"))));
    given()
        .get("/watches?state=sideways")
        .then()
        .statusCode(400)
        .body(containsString("state is up, down, blocked, unknown or disabled"));
    // The export links fetch what the filters show, every filter kept and encoded.
    given()
        .get("/watches?state=unknown&kind=host&q=telegram org")
        .then()
        .body(
            containsString(
                "href=\"/watches/export?format=json&amp;q=telegram+org&amp;state=unknown&amp;kind=host\""));
    assertThat(
            given()
                .get("/watches/export?state=unknown&kind=host")
                .then()
                .statusCode(200)
                .header("Content-Disposition", containsString("detour-watches.txt"))
                .extract()
                .asString())
        .contains("telegram.org")
        .doesNotContain("203.0.113.0/24");
    assertThat(
            given()
                .get("/watches/export?state=blocked")
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .doesNotContain("telegram.org")
        .doesNotContain("203.0.113.0/24");
    given().get("/watches/export?state=sideways").then().statusCode(400);
    given().get("/watches/export?format=xml").then().statusCode(400);
    // Every export link the page offers answers (a "cidr" link once answered 400).
    String page = given().get("/watches").then().statusCode(200).extract().asString();
    java.util.regex.Matcher link =
        java.util.regex.Pattern.compile("href=\"(/watches/export\\?format=[a-z]+)\"").matcher(page);
    List<String> links = new java.util.ArrayList<>();
    while (link.find()) {
      links.add(link.group(1));
    }
    assertThat(links).hasSize(4).contains("/watches/export?format=cidr");
    for (String href : links) {
      given().get(href).then().statusCode(200);
    }

    given()
        .get("/watches/" + a + "/edit")
        .then()
        .statusCode(200)
        .body(containsString("value=\"telegram.org\""));
    form()
        .formParam("target", "telegram.org")
        .formParam("group", "telegram")
        .formParam("tags", "messenger, web")
        .formParam("note", "the web client")
        .post("/watches/" + a + "/edit")
        .then()
        .statusCode(303)
        .header("Location", endsWith("/watches/" + a + "?notice=saved"));
    given().get("/api/watches/" + a).then().body(containsString("\"enabled\":false"));
    form()
        .formParam("enabled", "true")
        .formParam("back", "/watches?tag=web")
        .post("/watches/" + a + "/enabled")
        .then()
        .statusCode(303)
        .header("Location", endsWith("/watches?tag=web"));
    given()
        .get("/api/watches/" + a)
        .then()
        .body(allOf(containsString("\"enabled\":true"), containsString("the web client")));
    // A way back that leaves the site is not followed.
    form()
        .formParam("enabled", "false")
        .formParam("back", "//evil.example/")
        .post("/watches/" + a + "/enabled")
        .then()
        .statusCode(303)
        .header("Location", endsWith("/watches/" + a));

    // A disabled watch is not probed: it is "disabled", not "unknown", in the list and the counts.
    given()
        .get("/watches?state=disabled")
        .then()
        .statusCode(200)
        .body(containsString(">telegram.org<"))
        .body(not(containsString("203.0.113.0/24")))
        .body(containsString("<span class=\"state disabled\""));
    given()
        .get("/watches?state=unknown")
        .then()
        .body(containsString("203.0.113.0/24"))
        .body(not(containsString(">telegram.org<")));
    given()
        .get("/")
        .then()
        .statusCode(200)
        .body(containsString("data-state=\"unknown\">1<"))
        .body(containsString("data-state=\"disabled\">1<"));
    given()
        .get("/watches/" + a)
        .then()
        .statusCode(200)
        .body(containsString("disabled: not probed until it is enabled"))
        .body(not(containsString("not probed yet")));
    form().post("/watches/" + b + "/delete").then().statusCode(303);
    given().get("/api/watches/" + b).then().statusCode(404);
    given().get("/watches/" + b).then().statusCode(404);
  }

  @Test
  void whatAWriteChangedOfWhatWasTypedIsToldOnTheWatchsPage() {
    form()
        .formParam("target", "https://203.0.113.10:8443/x")
        .formParam("group", "telegram")
        .formParam("enabled", "on")
        .post("/watches")
        .then()
        .statusCode(200)
        .header("HX-Push-Url", matchesPattern("/watches/\\d+"))
        .body(containsString("Watch added"))
        .body(containsString("is watched as its host 203.0.113.10"))
        .body(containsString("port 8443 from the URL is the port probed"))
        .body(containsString("ports 8443"));
  }

  @Test
  void aLongListJumpsToAnyPage() {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      list.append("198.51.100.").append(i).append('\n');
    }
    given()
        .multiPart("list", list.toString())
        .multiPart("group", "many")
        .post("/watches/import")
        .then()
        .statusCode(200);
    given()
        .get("/watches?group=many")
        .then()
        .body(containsString("id=\"page-jump\""))
        .body(containsString("<input type=\"hidden\" name=\"group\" value=\"many\">"))
        .body(containsString("page=2\">Last »</a>"));
    // The box counts from 1; a page past the end shows the last one.
    given()
        .get("/watches?group=many&go=2")
        .then()
        .body(containsString("value=\"2\" class=\"page-number\""))
        .body(containsString("« First"));
    given()
        .get("/watches?group=many&go=99")
        .then()
        .statusCode(200)
        .body(containsString("value=\"3\" class=\"page-number\""))
        .body(containsString(">198.51.100.119<"));
  }

  @Test
  void anImportOfNoEntryOrWithABadOptionSaysSoAtItsFieldWithNoEmptyTable() {
    given()
        .multiPart("list", "# only a comment\n\n")
        .multiPart("group", "empty")
        .post("/watches/import")
        .then()
        .statusCode(400)
        .body(containsString("<span class=\"field-error\">the upload holds no entries"))
        .body(not(containsString("id=\"bad-lines\"")));
    // A bad field is shown at the field; no table of bad lines without a line in it.
    given()
        .multiPart("list", "telegram.org\n")
        .multiPart("format", "xml")
        .post("/watches/import")
        .then()
        .statusCode(400)
        .body(containsString("field-error"))
        .body(not(containsString("id=\"bad-lines\"")));
  }

  @Test
  void anImportWithABadLineShowsTheLineAndImportsNothing() {
    String page =
        given()
            .multiPart("list", "telegram.org\n149.154.164.0/22\nbad..name\n")
            .multiPart("group", "telegram")
            .multiPart("mode", "strict")
            .post("/watches/import")
            .then()
            .statusCode(422)
            .extract()
            .asString();
    assertThat(page)
        .contains("id=\"bad-lines\"")
        .contains("<td>3</td>")
        .contains("bad..name")
        .contains("nothing was imported")
        // The page points to its own option, not to the API's query parameter.
        .contains("import the good lines, skip the bad\u201d under Bad lines")
        .doesNotContain("?mode=skip-invalid")
        .contains("telegram.org\n149.154.164.0/22"); // the pasted list stays in the box
    assertThat(Watch.count()).isZero();

    page =
        given()
            .multiPart("list", "ignored")
            .multiPart(
                "file", "list.txt", "telegram.org\n149.154.164.0/22\n".getBytes(), "text/plain")
            .multiPart("group", "imported")
            .multiPart("tags", "refilter")
            .post("/watches/import")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(page).contains("id=\"import-report\"").contains("2 new").contains("imported");
    assertThat(Watch.count()).isEqualTo(2);

    given()
        .multiPart("group", "telegram")
        .post("/watches/import")
        .then()
        .statusCode(400)
        .body(containsString("paste a list here, or choose a file"));
  }

  @Test
  void groupsKeepTheirDefaultsAndRefuseBadOnes() {
    String page =
        form()
            .formParam("name", "linkedin")
            .formParam("interval", "often")
            .post("/watches/groups")
            .then()
            .statusCode(400)
            .extract()
            .asString();
    assertThat(page).contains("a number of seconds");
    form()
        .formParam("name", "linkedin")
        .formParam("interval", "120")
        .formParam("probes", "tcp_syn")
        .formParam("routeWithdraw", "keep")
        .formParam("families", "v4")
        .post("/watches/groups")
        .then()
        .statusCode(303);
    given()
        .get("/api/groups/linkedin")
        .then()
        .body(
            allOf(
                containsString("\"intervalSeconds\":120"),
                containsString("\"routeBlocked\":false"),
                containsString("\"families\":\"v4\"")));
    form()
        .formParam("interval", "120")
        .formParam("families", "ipv5")
        .post("/watches/groups/linkedin")
        .then()
        .statusCode(400)
        .body(containsString("both, v4 or v6"));
    form()
        .formParam("interval", "")
        .formParam("routeBlocked", "on")
        .formParam("routeWithdraw", "2 fortnights")
        .post("/watches/groups/linkedin")
        .then()
        .statusCode(400)
        .body(containsString("how long routes stay"));
    given().get("/api/groups/linkedin").then().body(containsString("\"intervalSeconds\":120"));
    given()
        .get("/watches/groups")
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("every 120 s"),
                containsString("never (kept)"),
                containsString("IPv4 only")));
  }

  @Test
  void incidentsShowTheirPacketsLikeTcpdump() throws Exception {
    long watch = create("s1.lab.test", "lab");
    String round = json.writeValueAsString(EvidenceViewTest.seedRound());
    long id =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Incident i = new Incident();
                  i.kind = Incident.Kind.STATE_CHANGE.name();
                  i.watchId = watch;
                  i.group = "telegram";
                  i.target = "s1.lab.test";
                  i.fromState = "UP";
                  i.toState = "BLOCKED";
                  i.method = "TCP_RST_INJECTED";
                  i.confidence = 0.95;
                  i.at = Instant.now();
                  i.firstBadAt = i.at.minusSeconds(10);
                  i.summary = "s1.lab.test: up → blocked (tcp_rst_injected)";
                  i.evidence = round;
                  i.censor = CENSOR;
                  i.persist();
                  return i.id;
                });
    given()
        .get("/incidents")
        .then()
        .statusCode(200)
        .body(allOf(containsString("s1.lab.test"), containsString("tcp_rst_injected")));
    given()
        .get("/incidents/" + id)
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("Flags [R.]"),
                containsString("class=\"bad\""),
                containsString("/api/probe/captures/run-1/syn.pcap"),
                containsString("10 s after the first bad round"),
                // The censor's hop on the path, as the trace found it.
                containsString("aria-label=\"Path to 198.51.100.10: censor at hop 2\""),
                containsString("192.0.2.254 <strong>censor</strong>"),
                containsString("the reset comes from hop 2 (192.0.2.254), before the host")));
    given()
        .get("/watches/" + watch)
        .then()
        .statusCode(200)
        .body(containsString("/incidents/" + id));
    given()
        .get("/")
        .then()
        .statusCode(200)
        .body(allOf(containsString("id=\"recent-blocks\""), containsString(">tcp_rst_injected<")));
    given().get("/incidents?kind=volcano").then().statusCode(400);
    // Incidents record a watch's states; "disabled" is the watch list's filter only.
    given()
        .get("/incidents")
        .then()
        .body(containsString("<option value=\"unknown\""))
        .body(not(containsString("<option value=\"disabled\"")));
    given().get("/watches").then().body(containsString("<option value=\"disabled\""));
  }

  @Test
  void aFrozenTransferIsDrawnHereAndThroughTheControl() throws Exception {
    long watch = create("s14.lab.test", "lab");
    String round = json.writeValueAsString(EvidenceViewTest.frozenRound());
    long id =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Incident i = new Incident();
                  i.kind = Incident.Kind.STATE_CHANGE.name();
                  i.watchId = watch;
                  i.group = "lab";
                  i.target = "s14.lab.test";
                  i.fromState = "UP";
                  i.toState = "BLOCKED";
                  i.method = "TRANSFER_STALLED";
                  i.confidence = 0.85;
                  i.at = Instant.now();
                  i.summary = "s14.lab.test: up → blocked (transfer_stalled)";
                  i.evidence = round;
                  i.persist();
                  return i.id;
                });
    given()
        .get("/incidents/" + id)
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("class=\"chart\""),
                containsString("transfer here: bytes over 2.1 s, top 206,491"),
                containsString("transfer through the control vantage, same scale"),
                containsString("stalled after 12,300 bytes")));
  }

  /** A trace that found the censor at hop 2, as the censor locator stores it. */
  static final String CENSOR =
      """
      {"target":"198.51.100.10","port":443,"offending":"syn-linux","censorHop":2,
       "censorRouter":"192.0.2.254","hostHop":3,"hops":[
        {"ttl":1,"router":"192.0.2.1","answers":[]},
        {"ttl":2,"router":"192.0.2.254","answers":[{"tcp":{"flags":"R."}}]},
        {"ttl":3,"router":"198.51.100.10","answers":[{"tcp":{"flags":"S."}}]}]}
      """;

  @Test
  void aMassBlockIsOneIncidentThatListsItsWatches() {
    long a = create("149.154.167.99", "dc2");
    long b = create("149.154.175.50", "dc1");
    Instant at = Instant.now().minusSeconds(60);
    long ia = fixtures.blocked(a, "149.154.167.99", "telegram", TcpRule.TCP_RST_INJECTED, at);
    long ib = fixtures.blocked(b, "149.154.175.50", "telegram", TcpRule.TCP_RST_INJECTED, at);
    long mass = fixtures.mass(TcpRule.TCP_RST_INJECTED, List.of(ia, ib));
    given()
        .get("/incidents")
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("mass block</span> 2 watches"),
                containsString("/incidents/" + mass)));
    given()
        .get("/incidents/" + mass)
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("<h1>Mass block"),
                containsString("2 watches blocked together"),
                containsString("<a href=\"/incidents/" + ia + "\">149.154.167.99</a>"),
                containsString("<a href=\"/incidents/" + ib + "\">149.154.175.50</a>")));
    given()
        .get("/incidents/" + ia)
        .then()
        .statusCode(200)
        .body(containsString("<a href=\"/incidents/" + mass + "\">mass block of"));
    // The Overview's "Recently blocked": the mass block once, naming the range its watches share,
    // not a row per watch pushing other blocks off.
    long c = create("203.0.113.7", "web");
    fixtures.blocked(c, "203.0.113.7", "web", TcpRule.TCP_RST_INJECTED, Instant.now());
    String overview = given().get("/").then().statusCode(200).extract().asString();
    assertThat(overview)
        .contains("<a href=\"/incidents/" + mass + "\">2 watches blocked by")
        .contains("all in 149.154.160.0/20")
        .contains("<a href=\"/watches/" + c + "\">203.0.113.7</a>")
        .doesNotContain("<a href=\"/watches/" + a + "\">");
  }

  @Test
  void routesPageKeepsPinsAndExclusionsAndWritesTheTunnel() {
    given()
        .get("/routes")
        .then()
        .statusCode(200)
        .body(allOf(containsString("Switches"), containsString("Tunnel helper")));
    form()
        .formParam("prefix", "149.154.160.0/33")
        .post("/routes/pins")
        .then()
        .statusCode(400)
        .body(containsString("aria-invalid=\"true\""));
    form()
        .formParam("prefix", "149.154.160.0/20")
        .formParam("note", "telegram")
        .post("/routes/pins")
        .then()
        .statusCode(303);
    given().get("/api/routes/pins").then().body(containsString("149.154.160.0/20"));
    form()
        .formParam("serverAddress", "203.0.113.10")
        .formParam("routerAddress", "nowhere")
        .post("/routes/tunnel")
        .then()
        .statusCode(400)
        .body(containsString("value=\"nowhere\""));
    form()
        .formParam("serverAddress", "203.0.113.10")
        .formParam("routerAddress", "198.51.100.20")
        .post("/routes/tunnel")
        .then()
        .statusCode(200)
        .body(allOf(containsString("id=\"tunnel-mikrotik\""), containsString("gre-tunnel1")));
    form().formParam("dryRun", "on").post("/routes/switches").then().statusCode(200);
    given().get("/api/routes/switches").then().body(containsString("\"dryRun\":true"));
    // One ticked box does not withdraw every route: the page asks again, and nothing changes.
    form()
        .formParam("dryRun", "on")
        .formParam("killSwitch", "on")
        .post("/routes/switches")
        .then()
        .statusCode(409)
        .body(containsString("The kill switch withdraws every route Detour made"))
        .body(containsString("id=\"confirm-kill\""));
    given().get("/api/routes/switches").then().body(containsString("\"killSwitch\":false"));
    form()
        .formParam("dryRun", "on")
        .formParam("killSwitch", "on")
        .formParam("confirm", "withdraw")
        .post("/routes/switches")
        .then()
        .statusCode(200)
        .body(containsString("Kill switch on, dry run on."));
    given().get("/api/routes/switches").then().body(containsString("\"killSwitch\":true"));
    // Once on, it is set again (or off) without asking.
    form().formParam("dryRun", "on").post("/routes/switches").then().statusCode(200);
    given().get("/api/routes/switches").then().body(containsString("\"killSwitch\":false"));
  }

  @Test
  void settingsNameTheKeyOfEverySetting() {
    given()
        .get("/settings")
        .then()
        .statusCode(200)
        .body(
            allOf(
                containsString("detour.verdict.block-after"),
                containsString("DETOUR_VERDICT_BLOCK_AFTER"),
                containsString("detour.probe.interval")));
  }

  @Test
  @TestSecurity(user = "watcher", roles = "viewer")
  void aViewerReadsButChangesNothing() {
    given().get("/").then().statusCode(200).body(not(containsString("Add a watch")));
    given().get("/watches").then().statusCode(200);
    // The forms whose only use is to change something say why they are refused.
    for (String path : List.of("/watches/new", "/watches/import")) {
      given()
          .get(path)
          .then()
          .statusCode(403)
          .body(containsString("id=\"admins-only\""))
          .body(containsString("takes an admin account"));
    }
    form()
        .formParam("target", "telegram.org")
        .formParam("group", "telegram")
        .post("/watches")
        .then()
        .statusCode(403);
    given().multiPart("list", "telegram.org").post("/watches/import").then().statusCode(403);
    form().formParam("prefix", "149.154.160.0/20").post("/routes/pins").then().statusCode(403);
    assertThat(Watch.count()).isZero();
  }

  private static long create(String target, String tag) {
    String location =
        form()
            .formParam("target", target)
            .formParam("group", "telegram")
            .formParam("tags", tag)
            .formParam("enabled", "on")
            .post("/watches")
            .then()
            .statusCode(303)
            .extract()
            .header("Location");
    return Long.parseLong(location.replaceAll(".*/watches/(\\d+).*", "$1"));
  }
}
