package dev.detour.alert;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real receivers on loopback for every channel Detour speaks: {@link HookServer} for the web
 * channels and GreenMail as the SMTP server, and the channels of AlertsTest pointing at them.
 */
public class Receivers implements QuarkusTestResourceLifecycleManager {

  static final String SECRET = "webhook-secret-for-tests";
  static final String BOT_TOKEN = HookServer.BOT_TOKEN;
  static HookServer hooks;
  static GreenMail mail;
  static String base;

  static List<HookServer.Request> at(String path) {
    return hooks.at(path);
  }

  @Override
  public Map<String, String> start() {
    try {
      hooks = new HookServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int smtp = freePort();
    mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    base = hooks.base();
    LocalTime now = LocalTime.now(ZoneOffset.UTC);
    Map<String, String> c = new HashMap<>();
    c.put("detour.alerts.enabled", "true");
    c.put("detour.alerts.group-wait", "1s");
    c.put("detour.alerts.retry-base", "300ms");
    c.put("detour.alerts.retry-max", "1s");
    c.put("detour.alerts.max-attempts", "4");
    c.put("detour.alerts.base-url", "http://detour.test/");
    c.put("detour.alerts.templates.cleared", "Fixed: {alert.target} ({alert.state})");
    channel(c, "hook", "webhook", "url", base + "/hook", "secret", SECRET);
    channel(c, "tg", "telegram", "url", base + "/tg", "token", BOT_TOKEN, "chat-id", "-1001");
    channel(c, "slack", "slack", "url", base + "/slack");
    channel(c, "ntfy", "ntfy", "url", base + "/ntfy", "topic", "detour-alerts", "token", "tk");
    channel(c, "mail", "email", "to", "me@lab.test,you@lab.test");
    channel(c, "am", "alertmanager", "url", base + "/am");
    channel(c, "flaky", "webhook", "url", base + "/flaky", "events", "blocked,cleared");
    channel(c, "refusing", "webhook", "url", base + "/refusing", "events", "blocked");
    channel(c, "lab-only", "webhook", "url", base + "/lab-only", "groups", "lab");
    channel(
        c,
        "night",
        "webhook",
        "url",
        base + "/night",
        "quiet-hours",
        now.minusHours(1).withSecond(0).withNano(0)
            + "-"
            + now.plusHours(2).withSecond(0).withNano(0),
        "time-zone",
        "UTC",
        "resend-every",
        "1s");
    channel(
        c, "repeat", "webhook", "url", base + "/repeat", "events", "blocked", "resend-every", "2s");
    c.put("quarkus.mailer.mock", "false");
    c.put("quarkus.mailer.host", "127.0.0.1");
    c.put("quarkus.mailer.port", String.valueOf(smtp));
    c.put("quarkus.mailer.from", "detour@lab.test");
    c.put("quarkus.mailer.start-tls", "DISABLED");
    return c;
  }

  private static void channel(Map<String, String> c, String name, String type, String... kv) {
    String key = "detour.alerts.channels." + name + ".";
    c.put(key + "type", type);
    for (int i = 0; i < kv.length; i += 2) {
      c.put(key + kv[i], kv[i + 1]);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    if (hooks != null) {
      hooks.close();
    }
    if (mail != null) {
      mail.stop();
    }
  }
}
