package dev.detour.alert.channel;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.qute.TemplateData;
import java.time.Instant;

/**
 * One message's facts, whatever the channel: what happened, to what, since when, and why. It is the
 * webhook's JSON body (docs/alerts.md), the data of message templates ({@code {alert.target}}) and
 * what a resend repeats.
 *
 * @param key what the message is about, stable across its firing, resends and resolution: {@code
 *     watch:12}, {@code mass:340}, {@code router:home:sync}, {@code router:home:tunnel}, {@code
 *     vantage}, {@code control}
 * @param firing true while the problem holds (a partial clear of a mass block still fires)
 * @param repeated a resend of a problem that still holds
 * @param since when the problem began (the first bad round of a block)
 * @param count watches concerned (a mass block's members, the watches of a mass block cleared)
 * @param remaining a mass block's watches still blocked after a clear
 * @param detail the evidence in a line or two: the round's reasons, the censor's hop
 * @param incident the incident behind the message, for the link
 */
@TemplateData
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
    AlertKind kind,
    String key,
    boolean firing,
    boolean repeated,
    Instant at,
    Instant since,
    String group,
    String target,
    String state,
    String method,
    String methodLabel,
    String summary,
    String detail,
    Integer count,
    Integer remaining,
    Long incident,
    String link,
    String severity) {

  /** The same message, sent again now because its problem still holds. */
  public Alert repeat(Instant now) {
    return new Alert(
        kind,
        key,
        firing,
        true,
        now,
        since,
        group,
        target,
        state,
        method,
        methodLabel,
        summary,
        detail,
        count,
        remaining,
        incident,
        link,
        severity);
  }

  /** A one-line title: the e-mail subject, ntfy's title, the first line elsewhere. */
  public String title() {
    String what = target != null ? target : "Detour";
    String again = repeated ? " (still)" : "";
    return switch (kind) {
      case BLOCKED ->
          what + " blocked" + (methodLabel != null ? " (" + methodLabel + ")" : "") + again;
      case CLEARED -> what + " no longer blocked" + (state != null ? " (" + state + ")" : "");
      case MASS_BLOCK ->
          "Mass block: "
              + count
              + " watches"
              + (methodLabel != null ? " (" + methodLabel + ")" : "")
              + again;
      case MASS_CLEARED ->
          remaining != null && remaining > 0
              ? "Mass block easing: " + count + " cleared, " + remaining + " still blocked"
              : "Mass block over: " + count + " watches cleared";
      case ALLOWLIST_MODE ->
          "Allowlist mode: "
              + count
              + " watches cut at once, all but the ISP's allowlist abroad"
              + again;
      case ALLOWLIST_LIFTED ->
          "Allowlist mode lifted"
              + (remaining != null && remaining > 0 ? ": " + remaining + " still blocked" : "");
      case ROUTER_SYNC_FAILED -> "Router " + what + ": route sync failing" + again;
      case ROUTER_SYNC_OK -> "Router " + what + ": route sync works again";
      case TUNNEL_DOWN -> "Router " + what + ": tunnel down" + again;
      case TUNNEL_UP -> "Router " + what + ": tunnel up again";
      case VANTAGE_OFFLINE -> "Detour is offline: its uplink is down" + again;
      case VANTAGE_ONLINE -> "Detour is online again";
      case CONTROL_OFFLINE -> "Control vantage offline" + again;
      case CONTROL_ONLINE -> "Control vantage back";
      case TEST -> "Detour test message";
    };
  }
}
