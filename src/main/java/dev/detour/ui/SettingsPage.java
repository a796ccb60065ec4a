package dev.detour.ui;

import dev.detour.alert.AlertConfig;
import dev.detour.alert.AlertResource;
import dev.detour.alert.AlertService;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.auth.AuthConfig;
import dev.detour.control.ControlConfig;
import dev.detour.monitor.MonitorConfig;
import dev.detour.monitor.UplinkConfig;
import dev.detour.probe.ProbeConfig;
import dev.detour.route.RoutersConfig;
import dev.detour.route.RoutesConfig;
import dev.detour.verdict.VerdictConfig;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Settings: what Detour runs with — intervals, probe pacing, the verdict thresholds, the control
 * vantage, routing, alerts — each with the key (and environment variable) that sets it; the alert
 * channels and how they fare (a test message, failed messages tried again, maintenance windows);
 * and links to what is changed at runtime elsewhere: group intervals, the route switches, access.
 */
@Path("/settings")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class SettingsPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance settings(
        List<Section> sections,
        List<AlertService.ChannelView> channels,
        List<AlertService.DeliveryView> failed,
        List<AlertService.SilenceView> silences,
        Map<String, String> form,
        Map<String, String> errors,
        String notice,
        String problem);
  }

  /** Failed messages shown at most. */
  static final int FAILED_SHOWN = 10;

  /** One setting: what it means, its value now, and the key that sets it. */
  public record Setting(String what, String value, String key) {
    /** The environment variable of the key, as Quarkus maps it. */
    public String env() {
      return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
  }

  public record Section(String title, List<Setting> settings) {}

  /** Every feature's settings, as this page shows them (a singleton: no proxy in the way). */
  @Singleton
  static class Shown {
    @Inject ProbeConfig probe;
    @Inject VerdictConfig verdict;
    @Inject MonitorConfig monitor;
    @Inject UplinkConfig uplink;
    @Inject ControlConfig control;
    @Inject RoutesConfig routes;
    @Inject RoutersConfig routers;
    @Inject AlertConfig alerts;
    @Inject AuthConfig auth;
  }

  private final Shown config;
  private final AlertService alerts;
  private final SecurityIdentity identity;

  public SettingsPage(Shown config, AlertService alerts, SecurityIdentity identity) {
    this.config = config;
    this.alerts = alerts;
    this.identity = identity;
  }

  @GET
  @Operation(hidden = true)
  public TemplateInstance settings(@QueryParam("notice") String notice) {
    return page(Map.of(), Map.of(), notice, null);
  }

  private TemplateInstance page(
      Map<String, String> form, Map<String, String> errors, String notice, String problem) {
    return Templates.settings(
            sections(),
            alerts.channels(),
            alerts.deliveries(null, "failed", FAILED_SHOWN),
            alerts.silences(),
            form,
            errors,
            notice,
            problem)
        .data("nav", "settings");
  }

  @POST
  @Path("alerts/channels/{name}/test")
  @Operation(hidden = true)
  public Response testChannel(@PathParam("name") String name) {
    return act(
        () -> {
          long id = alerts.test(name, actor());
          return "Test message " + id + " queued for " + name + "; its fate shows below.";
        });
  }

  @POST
  @Path("alerts/deliveries/{id: \\d+}/retry")
  @Operation(hidden = true)
  public Response retry(@PathParam("id") long id) {
    return act(
        () -> {
          AlertService.DeliveryView d = alerts.retry(id);
          return "Message " + d.id() + " to " + d.channel() + " goes again.";
        });
  }

  @POST
  @Path("alerts/silences")
  @Operation(hidden = true)
  public Response silence(
      @FormParam("hours") String hours,
      @FormParam("group") String group,
      @FormParam("target") String target,
      @FormParam("comment") String comment) {
    Map<String, String> form = new HashMap<>();
    form.put("silence.hours", Forms.nz(hours));
    form.put("silence.group", Forms.nz(group));
    form.put("silence.target", Forms.nz(target));
    form.put("silence.comment", Forms.nz(comment));
    try {
      Duration length;
      try {
        double h = Double.parseDouble(Forms.nz(hours).strip());
        if (!(h > 0)) {
          throw new NumberFormatException();
        }
        length = Duration.ofSeconds(Math.round(h * 3600));
      } catch (NumberFormatException e) {
        throw ProblemException.invalidField(
            "Invalid maintenance window", "hours", "how many hours, e.g. 2 or 0.5");
      }
      AlertService.SilenceView v =
          alerts.silence(
              new AlertResource.SilenceInput(null, null, length, group, target, comment), actor());
      return Forms.seeOther(
          "/settings?notice="
              + URLEncoder.encode(
                  "Messages"
                      + (v.group() != null ? " about group " + v.group() : "")
                      + (v.target() != null ? " about " + v.target() : "")
                      + " are silenced until "
                      + UiExtensions.stamp(v.endsAt())
                      + ".",
                  StandardCharsets.UTF_8)
              + "#alerts");
    } catch (ProblemException e) {
      Map<String, String> errors = Forms.errors(e, "silence.");
      if (errors.containsKey("silence.endsAt")) {
        errors.put("silence.hours", errors.remove("silence.endsAt"));
      }
      return Forms.page(page(form, errors, null, null), e.status());
    }
  }

  @POST
  @Path("alerts/silences/{id: \\d+}/end")
  @Operation(hidden = true)
  public Response endSilence(@PathParam("id") long id) {
    return act(
        () -> {
          alerts.endSilence(id);
          return "Maintenance window ended: messages go out again.";
        });
  }

  private Response act(java.util.function.Supplier<String> action) {
    try {
      return Forms.page(page(Map.of(), Map.of(), action.get(), null), 200);
    } catch (ProblemException e) {
      return Forms.page(page(Map.of(), Map.of(), null, e.getMessage()), e.status());
    }
  }

  private String actor() {
    return identity.getPrincipal().getName();
  }

  List<Section> sections() {
    List<Section> all = new ArrayList<>();
    ProbeConfig p = config.probe;
    all.add(
        new Section(
            "Probing",
            List.of(
                s("Default interval of a group", span(p.interval()), "detour.probe.interval"),
                s("Raw packets (SYN shapes, ICMP, traces)", yes(p.raw()), "detour.probe.raw"),
                s(
                    "Packets per second, at most",
                    p.packetsPerSecond(),
                    "detour.probe.packets-per-second"),
                s("Wait for answers to a SYN", span(p.synWait()), "detour.probe.syn-wait"),
                s("SYN tries", p.synTries(), "detour.probe.syn-tries"),
                s("Echo requests per ICMP probe", p.icmpCount(), "detour.probe.icmp-count"),
                s("Trace up to hops", p.traceMaxHops(), "detour.probe.trace-max-hops"),
                s(
                    "Timeout of a connection or request",
                    span(p.timeout()),
                    "detour.probe.timeout"))));
    VerdictConfig v = config.verdict;
    all.add(
        new Section(
            "Verdicts",
            List.of(
                s("Rounds in a row before blocked", v.blockAfter(), "detour.verdict.block-after"),
                s("Rounds in a row before clear", v.clearAfter(), "detour.verdict.clear-after"),
                s(
                    "A mass block: at least this many watches",
                    v.massBlockMinWatches(),
                    "detour.verdict.mass-block.min-watches"),
                s(
                    "… blocked within",
                    span(v.massBlockWindow()),
                    "detour.verdict.mass-block.window"))));
    MonitorConfig m = config.monitor;
    all.add(
        new Section(
            "Monitor",
            List.of(
                s("Monitoring on", yes(m.enabled()), "detour.monitor.enabled"),
                s("Watches probed at once", m.concurrency(), "detour.monitor.concurrency"),
                s(
                    "Addresses of a host probed, at most",
                    m.maxAddresses(),
                    "detour.monitor.max-addresses"),
                s(
                    "Samples per /24 of a prefix",
                    m.prefixSamplesPer24(),
                    "detour.monitor.prefix.samples-per-24"),
                s(
                    "Uplink checked every",
                    span(config.uplink.checkEvery()),
                    "detour.uplink.check-every"),
                s(
                    "Control vantage",
                    config.control.mode().name().toLowerCase(Locale.ROOT)
                        + config.control.device().map(d -> " via " + d).orElse("")
                        + config
                            .control
                            .agentUrl()
                            .map(u -> " at " + dev.detour.system.Secrets.withoutUserInfo(u))
                            .orElse(""),
                    "detour.control.mode"))));
    RoutesConfig r = config.routes;
    all.add(
        new Section(
            "Routing",
            List.of(
                s("Routing on", yes(r.enabled()), "detour.routes.enabled"),
                s("Dry run at first start", yes(r.dryRun()), "detour.routes.dry-run"),
                s("Sync every", span(r.syncEvery()), "detour.routes.sync-every"),
                s(
                    "Default grace before withdrawing",
                    span(r.withdrawGrace()),
                    "detour.routes.withdraw-grace"),
                s(
                    "Shortest IPv4 prefix routed",
                    "/" + r.minPrefixIpv4(),
                    "detour.routes.min-prefix-ipv4"),
                s("Verify through the tunnel first", yes(r.verify()), "detour.routes.verify"),
                s(
                    "Routers",
                    config.routers.routers().isEmpty()
                        ? "none"
                        : String.join(", ", config.routers.routers().keySet()),
                    "detour.routers.<name>.type"))));
    AlertConfig al = config.alerts;
    all.add(
        new Section(
            "Alerts",
            List.of(
                s("Alerts on", yes(al.enabled()), "detour.alerts.enabled"),
                s(
                    "A change waits, to group with others",
                    span(al.groupWait()),
                    "detour.alerts.group-wait"),
                s(
                    "Told again while it holds, every",
                    al.resendEvery().isZero() ? "never" : span(al.resendEvery()),
                    "detour.alerts.resend-every"),
                s("Tries of a message", al.maxAttempts(), "detour.alerts.max-attempts"),
                s(
                    "First wait after a failed try (doubling)",
                    span(al.retryBase()),
                    "detour.alerts.retry-base"),
                s("Longest wait between tries", span(al.retryMax()), "detour.alerts.retry-max"),
                s(
                    "Links in messages point to",
                    al.baseUrl().orElse("no links (unset)"),
                    "detour.alerts.base-url"),
                s(
                    "Channels",
                    al.channels().isEmpty()
                        ? "none"
                        : String.join(", ", new java.util.TreeSet<>(al.channels().keySet())),
                    "detour.alerts.channels.<name>.type"))));
    AuthConfig.Auth a = config.auth.auth();
    all.add(
        new Section(
            "Access",
            List.of(
                s(
                    "A browser session ends after idling",
                    span(a.sessionIdle()),
                    "detour.auth.session-idle"),
                s(
                    "… or at the latest after",
                    span(a.sessionMaxAge()),
                    "detour.auth.session-max-age"),
                s(
                    "Failed logins per minute and address",
                    a.loginFailuresPerMinute(),
                    "detour.auth.login-failures-per-minute"))));
    return all;
  }

  private static Setting s(String what, Object value, String key) {
    return new Setting(what, String.valueOf(value), key);
  }

  private static String yes(boolean b) {
    return b ? "yes" : "no";
  }

  private static String span(Duration d) {
    return UiExtensions.span(d);
  }
}
