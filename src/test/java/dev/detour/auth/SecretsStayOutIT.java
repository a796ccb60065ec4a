package dev.detour.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.detour.lab.DetourProcess;
import dev.detour.route.mikrotik.RouterOsEmulator;
import dev.detour.system.Secrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service, given a distinctive value for every secret it takes — the admin password,
 * an account's password as set, reset and changed, the control agent's token (this Detour is its
 * own agent, so the token is both sent and checked) and the user info in the agent's URL, two
 * MikroTiks' passwords (one directly, one from a file), the webhook's signing secret and the user
 * info, path and query tokens of its URL, Slack's URL token, Telegram's bot token, ntfy's and
 * Alertmanager's bearer tokens, the SMTP password — and the secrets it makes: API tokens, a browser
 * session and its CSRF token. Every one is used: logins right and wrong (passwords, API and agent
 * tokens), tokens made and used, router syncs the routers refuse, test messages every receiver
 * refuses (the web receivers echo the request back, as many a framework's 404 page does; the mail
 * server refuses the login), monitoring rounds through the agent. Then every readable API resource
 * and page is read, and the service is stopped: no answer and no line of its log may hold a secret,
 * in clear, URL-encoded or base64 — but the answer that creates an API token, which shows it this
 * once.
 *
 * <p>Everything stays on loopback: the watch is a socket of this test, raw probes are off, the
 * uplink anchor is 127.0.0.1, routers and receivers are this test's.
 */
class SecretsStayOutIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern CSRF = Pattern.compile("\"X-CSRF-Token\": \"([^\"]+)\"");

  /** Secrets by name; each has a random core so no earlier run or fixture can hold it. */
  private final Map<String, String> secrets = new LinkedHashMap<>();

  /** Encodings of secrets that travel combined: HTTP Basic pairs, SMTP AUTH PLAIN. */
  private final Map<String, String> combined = new LinkedHashMap<>();

  private final List<String> leaks = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private String base;

  private static String core() {
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private String secret(String name, String prefix) {
    String value = prefix + core();
    secrets.put(name, value);
    return value;
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noSecretReachesAnAnswerOrTheLog(@TempDir Path dir) throws Exception {
    String admin = secret("admin password", "adm-");
    String wrong = secret("a wrong password", "wrong-");
    String viewer = secret("viewer password", "viewer-");
    String viewer2 = secret("viewer password, reset", "viewer2-");
    String viewer3 = secret("viewer password, changed", "viewer3-");
    String agentToken = secret("agent token", "agent-");
    String wrongAgentToken = secret("a wrong agent token", "agent-wrong-");
    String agentUser = secret("agent URL user info", "agentinfo-");
    String wrongApiToken = secret("a wrong API token", ApiTokens.PREFIX + "wrong");
    String restPassword = secret("MikroTik REST password", "mtrest-");
    String apiPassword = secret("MikroTik API password (file)", "mtapi-");
    String hookSecret = secret("webhook signing secret (file)", "hmac-");
    String hookUser = secret("webhook URL user info", "hookinfo-");
    String hookPath = secret("webhook URL path token", "hookpath-");
    String hookQuery = secret("webhook URL query token", "hookquery-");
    String slackPath = secret("Slack URL token", "slack-");
    String telegram = secret("Telegram bot token (file)", "7501234567:tg-");
    String ntfy = secret("ntfy token", "ntfy-");
    String alertmanager = secret("Alertmanager token", "am-");
    String smtp = secret("SMTP password", "smtp-");
    combined.put("admin's HTTP Basic", b64("admin:" + admin));
    combined.put("admin's wrong HTTP Basic", b64("admin:" + wrong));
    combined.put("MikroTik REST HTTP Basic", b64(RouterOsEmulator.USER + ":" + restPassword));
    combined.put("SMTP AUTH PLAIN", b64("\0detour\0" + smtp));

    Path files = Files.createDirectories(dir.resolve("secrets"));
    Path apiPasswordFile = Files.writeString(files.resolve("router-api"), apiPassword + "\n");
    Path hookSecretFile = Files.writeString(files.resolve("hook"), hookSecret + "\n");
    Path telegramFile = Files.writeString(files.resolve("telegram"), telegram + "\n");

    GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", "smtp"));
    mail.start();
    // The server knows the account, with another password: Detour's login is refused.
    mail.setUser("detour@lab.test", "detour", "not-the-configured-one");
    try (RouterOsEmulator router = new RouterOsEmulator();
        EchoReceiver receiver = new EchoReceiver();
        UpTarget target = new UpTarget()) {
      int port = DetourProcess.freePort();
      base = "http://127.0.0.1:" + port;
      String hooks = "127.0.0.1:" + receiver.port();
      Map<String, String> c = new TreeMap<>();
      c.put("detour.admin-password", admin);
      c.put("detour.probe.raw", "false");
      c.put("detour.probe.interval", "5s");
      c.put("detour.probe.timeout", "2s");
      c.put("detour.uplink.anchors", "127.0.0.1");
      c.put("detour.control.mode", "agent");
      // User info in the agent's URL is not sent (Java's HTTP client ignores it), but is shown.
      c.put("detour.control.agent-url", "http://probe:" + agentUser + "@127.0.0.1:" + port);
      c.put("detour.control.agent-token", agentToken);
      c.put("detour.agent.enabled", "true");
      c.put("detour.agent.token", agentToken);
      c.put("detour.agent.allow", "127.0.0.0/8");
      c.put("detour.routes.sync-every", "3s");
      router("rest", c, "mikrotik-rest", "url", router.restUrl(), "password", restPassword);
      router(
          "api",
          c,
          "mikrotik-api",
          "host",
          "127.0.0.1",
          "port",
          String.valueOf(router.apiPort()),
          "password-file",
          apiPasswordFile.toString());
      c.put("detour.alerts.group-wait", "1s");
      c.put("detour.alerts.retry-base", "200ms");
      c.put("detour.alerts.retry-max", "1s");
      c.put("detour.alerts.max-attempts", "2");
      c.put("detour.alerts.timeout", "5s");
      channel(
          c,
          "hook",
          "webhook",
          "url",
          "http://hooker:" + hookUser + "@" + hooks + "/hooks/" + hookPath + "?key=" + hookQuery,
          "secret-file",
          hookSecretFile.toString());
      channel(c, "slack", "slack", "url", "http://" + hooks + "/services/T01/B02/" + slackPath);
      channel(
          c,
          "tg",
          "telegram",
          "url",
          "http://" + hooks,
          "token-file",
          telegramFile.toString(),
          "chat-id",
          "-1001234567890");
      channel(c, "ntfy", "ntfy", "url", "http://" + hooks, "topic", "detour", "token", ntfy);
      channel(c, "am", "alertmanager", "url", "http://" + hooks, "token", alertmanager);
      channel(c, "mail", "email", "to", "noc@lab.test");
      c.put("quarkus.mailer.from", "detour@lab.test");
      c.put("quarkus.mailer.host", "127.0.0.1");
      c.put("quarkus.mailer.port", String.valueOf(mail.getSmtp().getPort()));
      c.put("quarkus.mailer.username", "detour");
      c.put("quarkus.mailer.password", smtp);
      c.put("quarkus.mailer.start-tls", "DISABLED");

      DetourProcess detour = DetourProcess.start(null, dir.resolve("detour"), port, c);
      try {
        exercise(
            detour,
            target,
            receiver,
            new Credentials(
                admin,
                wrong,
                viewer,
                viewer2,
                viewer3,
                agentToken,
                wrongAgentToken,
                wrongApiToken));
        assertThat(receiver.saw("/bot" + telegram + "/sendMessage"))
            .as("the bot token was sent")
            .isTrue();
        assertThat(receiver.saw("Bearer " + ntfy)).as("ntfy's token was sent").isTrue();
        assertThat(receiver.saw("Bearer " + alertmanager))
            .as("Alertmanager's token was sent")
            .isTrue();
        assertThat(receiver.saw("/services/T01/B02/" + slackPath)).isTrue();
        assertThat(receiver.saw("/hooks/" + hookPath + "?key=" + hookQuery)).isTrue();
        assertThat(receiver.saw("X-detour-signature")).as("the webhook was signed").isTrue();
      } finally {
        detour.stop();
      }
      String log = detour.logText();
      assertThat(log)
          .contains("Control vantage: agent")
          .contains("Cannot POST /bot" + Secrets.MASK + "/sendMessage");
      check("the service's log", log, Set.of());
    } finally {
      mail.stop();
    }
    assertThat(leaks).as("secrets found where they must never be").isEmpty();
  }

  /** What the test logs in with, right and wrong. */
  private record Credentials(
      String admin,
      String wrong,
      String viewer,
      String viewer2,
      String viewer3,
      String agentToken,
      String wrongAgentToken,
      String wrongApiToken) {}

  private void exercise(DetourProcess detour, UpTarget target, EchoReceiver receiver, Credentials k)
      throws Exception {
    String adminBasic = "Basic " + b64("admin:" + k.admin());

    // Wrong passwords and tokens, each way they can come.
    assertThat(
            send("GET", "/api/me", null, "Authorization", "Basic " + b64("admin:" + k.wrong()))
                .status())
        .isEqualTo(401);
    Reply badForm =
        send(
            "POST",
            "/login",
            form("username", "admin", "password", k.wrong(), "next", "/settings"),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(badForm.status()).isEqualTo(401);
    check("the login page after a wrong password", badForm.all(), Set.of());
    assertThat(
            send("GET", "/api/me", null, "Authorization", "Bearer " + k.wrongApiToken()).status())
        .isEqualTo(401);
    assertThat(
            send("GET", "/agent/v1/health", null, "Authorization", "Bearer " + k.wrongAgentToken())
                .status())
        .isEqualTo(401);
    Reply agentHealth =
        send("GET", "/agent/v1/health", null, "Authorization", "Bearer " + k.agentToken());
    assertThat(agentHealth.status()).isEqualTo(200);
    check("the agent's health", agentHealth.all(), Set.of());

    // Tokens made through the API: their creation answers show them, once.
    Reply made =
        send(
            "POST",
            "/api/tokens",
            "{\"name\":\"script\",\"role\":\"admin\"}",
            "Authorization",
            adminBasic,
            "Content-Type",
            "application/json");
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String adminToken = made.json().path("secret").asText();
    assertThat(adminToken).startsWith(ApiTokens.PREFIX);
    secrets.put("an admin API token", adminToken);
    check("the creation of the admin token", made.all(), Set.of("an admin API token"));
    Reply madeViewer =
        send(
            "POST",
            "/api/tokens",
            "{\"name\":\"grafana\",\"role\":\"viewer\"}",
            "Authorization",
            "Bearer " + adminToken,
            "Content-Type",
            "application/json");
    assertThat(madeViewer.status()).as(madeViewer.body()).isEqualTo(201);
    String viewerToken = madeViewer.json().path("secret").asText();
    secrets.put("a viewer API token", viewerToken);
    check("the creation of the viewer token", madeViewer.all(), Set.of("a viewer API token"));
    String adminAuth = "Bearer " + adminToken;

    // An account whose password is set, reset and changed.
    Reply user =
        send(
            "POST",
            "/api/users",
            "{\"username\":\"auditor\",\"password\":\"" + k.viewer() + "\",\"role\":\"viewer\"}",
            "Authorization",
            adminAuth,
            "Content-Type",
            "application/json");
    assertThat(user.status()).as(user.body()).isEqualTo(201);
    check("the creation of an account", user.all(), Set.of());
    assertThat(
            send("GET", "/api/me", null, "Authorization", "Basic " + b64("auditor:" + k.viewer()))
                .status())
        .isEqualTo(200);
    assertThat(
            send(
                    "PUT",
                    "/api/users/auditor/password",
                    "{\"password\":\"" + k.viewer2() + "\"}",
                    "Authorization",
                    adminBasic,
                    "Content-Type",
                    "application/json")
                .status())
        .isEqualTo(204);
    String auditor2 = "Basic " + b64("auditor:" + k.viewer2());
    Reply wrongCurrent =
        send(
            "PUT",
            "/api/me/password",
            "{\"current\":\"" + k.viewer() + "\",\"password\":\"" + k.viewer3() + "\"}",
            "Authorization",
            auditor2,
            "Content-Type",
            "application/json");
    assertThat(wrongCurrent.status()).as(wrongCurrent.body()).isEqualTo(400);
    check("a password change with the wrong current one", wrongCurrent.all(), Set.of());
    assertThat(
            send(
                    "PUT",
                    "/api/me/password",
                    "{\"current\":\"" + k.viewer2() + "\",\"password\":\"" + k.viewer3() + "\"}",
                    "Authorization",
                    auditor2,
                    "Content-Type",
                    "application/json")
                .status())
        .isEqualTo(204);

    // A browser: a session, its CSRF token, a change made through a page.
    Reply login =
        send(
            "POST",
            "/login",
            form("username", "admin", "password", k.admin(), "next", "/settings"),
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(login.status()).isEqualTo(303);
    String cookie =
        login.headers().get("set-cookie").stream()
            .filter(h -> h.startsWith(Sessions.COOKIE + "="))
            .map(h -> h.substring(0, h.indexOf(';')))
            .findFirst()
            .orElseThrow();
    secrets.put("the session cookie", cookie.substring(cookie.indexOf('=') + 1));
    Reply settings = send("GET", "/settings", null, "Cookie", cookie, "Accept", "text/html");
    assertThat(settings.status()).isEqualTo(200);
    Matcher csrf = CSRF.matcher(settings.body());
    assertThat(csrf.find()).as("the page carries its CSRF token").isTrue();
    secrets.put("the session's CSRF token", csrf.group(1));
    assertThat(send("POST", "/settings/alerts/channels/hook/test", "", "Cookie", cookie).status())
        .as("a change from a session without its CSRF token")
        .isEqualTo(403);
    Reply fromPage =
        send(
            "POST",
            "/settings/alerts/channels/hook/test",
            "",
            "Cookie",
            cookie,
            "X-CSRF-Token",
            csrf.group(1),
            "HX-Request",
            "true");
    assertThat(fromPage.status()).as(fromPage.body()).isLessThan(400);

    // Something to monitor: a loopback socket, probed here and through the agent (this Detour).
    String json = "application/json";
    Reply group =
        send(
            "POST",
            "/api/groups",
            "{\"name\":\"loop\",\"probes\":[\"tcp_connect\"]}",
            "Authorization",
            adminAuth,
            "Content-Type",
            json);
    assertThat(group.status()).as(group.body()).isEqualTo(201);
    Reply watch =
        send(
            "POST",
            "/api/watches",
            "{\"target\":\"127.0.0.1\",\"group\":\"loop\",\"ports\":[" + target.port() + "]}",
            "Authorization",
            adminAuth,
            "Content-Type",
            json);
    assertThat(watch.status()).as(watch.body()).isEqualTo(201);
    long watchId = watch.json().path("id").asLong();

    // Routers that refuse Detour's login; a sync and a connection test each.
    for (String name : List.of("rest", "api")) {
      check(
          "a sync of router " + name,
          send("POST", "/api/routes/routers/" + name + "/sync", null, "Authorization", adminAuth)
              .all(),
          Set.of());
      check(
          "a connection test of router " + name,
          send("POST", "/api/routes/routers/" + name + "/test", null, "Authorization", adminAuth)
              .all(),
          Set.of());
    }

    // A test message on every channel; every receiver refuses it.
    List<String> channels = List.of("hook", "slack", "tg", "ntfy", "am", "mail");
    for (String name : channels) {
      Reply queued =
          send("POST", "/api/alerts/channels/" + name + "/test", null, "Authorization", adminAuth);
      assertThat(queued.status()).as(queued.body()).isEqualTo(202);
    }
    await(
        Duration.ofSeconds(90),
        () -> {
          JsonNode all = getJson("/api/alerts/channels", "Bearer " + viewerToken);
          int failing = 0;
          for (JsonNode ch : all) {
            failing += ch.hasNonNull("lastError") ? 1 : 0;
          }
          return failing == channels.size();
        },
        "every channel's delivery to fail");
    // The echoes arrived, and what Detour kept of them is masked.
    Map<String, JsonNode> channelViews = new LinkedHashMap<>();
    for (JsonNode ch : getJson("/api/alerts/channels", adminBasic)) {
      channelViews.put(ch.path("name").asText(), ch);
    }
    assertThat(channelViews.get("tg").path("lastError").asText())
        .contains("Cannot POST /bot" + Secrets.MASK + "/sendMessage");
    assertThat(channelViews.get("ntfy").path("lastError").asText())
        .contains("Bearer " + Secrets.MASK);
    assertThat(channelViews.get("hook").path("destination").asText())
        .isEqualTo("http://127.0.0.1:" + receiver.port() + " (signed)");
    await(
        Duration.ofSeconds(90),
        () -> {
          JsonNode monitor = getJson("/api/monitor", "Bearer " + viewerToken);
          return monitor.path("controlOnline").asBoolean()
              && monitor.path("rounds").path("loop").asInt() >= 2;
        },
        "rounds of the loop group with the agent as control");
    await(
        Duration.ofSeconds(30),
        () ->
            getJson("/api/routes/routers/rest", adminBasic).hasNonNull("error")
                && getJson("/api/routes/routers/api", adminBasic).hasNonNull("error"),
        "both routers' syncs to fail");
    JsonNode rest = getJson("/api/routes/routers/rest", adminBasic);
    assertThat(rest.path("error").asText()).contains("401");
    JsonNode api = getJson("/api/routes/routers/api", adminBasic);
    assertThat(api.path("error").asText()).contains("invalid user name or password");

    // Read everything there is to read: as admin (Basic and token), viewer token and session.
    List<String> paths = new ArrayList<>();
    JsonNode openapi = getJson("/q/openapi?format=json", adminBasic);
    for (Map.Entry<String, JsonNode> p : openapi.path("paths").properties()) {
      if (p.getValue().has("get")) {
        paths.addAll(expand(p.getKey(), watchId, adminBasic));
      }
    }
    assertThat(paths)
        .contains(
            "/api/alerts/channels",
            "/api/alerts/deliveries",
            "/api/routes",
            "/api/routes/routers/rest",
            "/api/users",
            "/api/tokens",
            "/api/monitor");
    paths.addAll(
        List.of(
            "/api/alerts/deliveries?status=failed",
            "/q/metrics",
            "/q/health",
            "/q/openapi",
            "/q/swagger-ui/"));
    for (String path : paths) {
      for (String auth : List.of(adminBasic, adminAuth, "Bearer " + viewerToken)) {
        check("GET " + path, send("GET", path, null, "Authorization", auth).all(), Set.of());
      }
      if (path.startsWith("/api/")) {
        check(
            "GET " + path + " (session)",
            send("GET", path, null, "Cookie", cookie).all(),
            Set.of());
      }
    }
    // Pages carry their session's CSRF token, and nothing else that is secret.
    for (String page :
        List.of(
            "/",
            "/watches",
            "/watches/" + watchId,
            "/watches/groups",
            "/watches/new",
            "/watches/import",
            "/routes",
            "/incidents",
            "/settings",
            "/settings/access",
            "/settings/password")) {
      Reply r = send("GET", page, null, "Cookie", cookie, "Accept", "text/html");
      assertThat(r.status()).as(page).isEqualTo(200);
      check("page " + page, r.all(), Set.of("the session's CSRF token"));
    }
    System.out.println(
        "secrets checked: "
            + secrets.keySet()
            + "; answers read: "
            + paths.size() * 4
            + "; receiver requests: "
            + receiver.requests.size());
  }

  /** A path template of the API with its parameters filled in, where this test knows them. */
  private List<String> expand(String template, long watchId, String auth) throws Exception {
    if (!template.contains("{")) {
      return template.equals("/ui/events") ? List.of() : List.of(template);
    }
    if (template.startsWith("/api/routes/routers/{")) {
      return List.of(
          template.replaceFirst("\\{[^}]+}", "rest"), template.replaceFirst("\\{[^}]+}", "api"));
    }
    if (template.startsWith("/api/groups/{")) {
      return List.of(template.replaceFirst("\\{[^}]+}", "loop"));
    }
    if (template.startsWith("/api/watches/{")) {
      return List.of(template.replaceFirst("\\{[^}]+}", Long.toString(watchId)));
    }
    if (template.startsWith("/api/incidents/{")) {
      List<String> out = new ArrayList<>();
      for (JsonNode incident : getJson("/api/incidents", auth)) {
        out.add(template.replaceFirst("\\{[^}]+}", incident.path("id").asText()));
      }
      return out;
    }
    return List.of();
  }

  /** Looks for every secret in {@code text}, but those named in {@code allowed}. */
  private void check(String where, String text, Set<String> allowed) {
    for (Map.Entry<String, String> s : secrets.entrySet()) {
      if (allowed.contains(s.getKey())) {
        continue;
      }
      String value = s.getValue();
      String tail = value.substring(value.length() - 16);
      Map<String, String> forms = new LinkedHashMap<>();
      forms.put("", value);
      forms.put(" (its last 16 characters)", tail);
      forms.put(" (URL-encoded)", URLEncoder.encode(value, StandardCharsets.UTF_8));
      forms.put(" (base64)", b64(value));
      forms.forEach(
          (form, v) -> {
            if (text.contains(v)) {
              leaks.add(s.getKey() + form + " in " + where + ": " + around(text, v));
            }
          });
    }
    combined.forEach(
        (name, v) -> {
          if (text.contains(v)) {
            leaks.add(name + " in " + where + ": " + around(text, v));
          }
        });
  }

  private static String around(String text, String v) {
    int at = text.indexOf(v);
    int from = text.lastIndexOf('\n', at) + 1;
    int to = text.indexOf('\n', at + v.length());
    String line = text.substring(from, to < 0 ? text.length() : to);
    return line.length() > 400 ? line.substring(0, 400) + "…" : line;
  }

  private static void router(String name, Map<String, String> c, String type, String... kv) {
    String key = "detour.routers." + name + ".";
    c.put(key + "type", type);
    c.put(key + "username", RouterOsEmulator.USER);
    c.put(key + "gateway", "gre-tunnel1");
    c.put(key + "timeout", "3s");
    for (int i = 0; i < kv.length; i += 2) {
      c.put(key + kv[i], kv[i + 1]);
    }
  }

  private static void channel(Map<String, String> c, String name, String type, String... kv) {
    String key = "detour.alerts.channels." + name + ".";
    c.put(key + "type", type);
    for (int i = 0; i < kv.length; i += 2) {
      c.put(key + kv[i], kv[i + 1]);
    }
  }

  private static String form(String... kv) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      if (s.length() > 0) {
        s.append('&');
      }
      s.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return s.toString();
  }

  /** An answer: status, headers and body. */
  private record Reply(int status, Map<String, List<String>> headers, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }

    /** Headers and body, as one text to search. */
    String all() {
      return headers + "\n" + body;
    }
  }

  private Reply send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.headers().map(), r.body());
  }

  private JsonNode getJson(String path, String auth) {
    try {
      Reply r = send("GET", path, null, "Authorization", auth, "Accept", "application/json");
      assertThat(r.status()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return r.json();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void await(Duration limit, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A receiver that refuses everything with 404 and echoes the request back — its line and headers
   * — as many a web framework's "Cannot POST /path" page does, and a debugging endpoint might.
   */
  private static final class EchoReceiver implements AutoCloseable {
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    EchoReceiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::answer);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    boolean saw(String text) {
      return requests.stream().anyMatch(r -> r.contains(text));
    }

    private void answer(HttpExchange exchange) throws IOException {
      try (exchange;
          InputStream in = exchange.getRequestBody()) {
        in.readAllBytes();
        StringBuilder echo =
            new StringBuilder("Cannot ")
                .append(exchange.getRequestMethod())
                .append(' ')
                .append(exchange.getRequestURI())
                .append('\n');
        exchange
            .getRequestHeaders()
            .forEach((k, v) -> echo.append(k).append(": ").append(v.get(0)).append('\n'));
        requests.add(echo.toString());
        byte[] body = echo.toString().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A loopback port that accepts and closes: a watch that is up, here and at the agent. */
  private static final class UpTarget implements AutoCloseable {
    private final ServerSocket server;

    UpTarget() throws IOException {
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    s.getOutputStream().flush();
                  } catch (IOException closed) {
                    // Closed at the end.
                  }
                }
              },
              "secrets-up");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
