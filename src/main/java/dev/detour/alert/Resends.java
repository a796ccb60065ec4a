package dev.detour.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.Alert;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Tells again, on each channel at its own {@code resend-every}, the problems it was told of that
 * still hold, marked as repeated; not while the last telling still waits to go (quiet hours, a
 * receiver that is down), so a channel gets no pile of repeats.
 */
@ApplicationScoped
class Resends {

  private static final Logger LOG = Logger.getLogger(Resends.class);
  private static final int BATCH = 500;

  private final AlertChannels channels;
  private final Outbox outbox;
  private final Problems problems;
  private final ObjectMapper json;

  Resends(AlertChannels channels, Outbox outbox, Problems problems, ObjectMapper json) {
    this.channels = channels;
    this.outbox = outbox;
    this.problems = problems;
    this.json = json;
  }

  /** Tells again what is due and still holds. */
  @Transactional
  void resend(Instant now) {
    boolean caughtUp = false;
    for (ChannelRule ch : channels.all()) {
      if (ch.resendEvery().isZero()) {
        continue;
      }
      List<AlertNotice> due =
          AlertNotice.<AlertNotice>find(
                  "id.channel = ?1 and lastSentAt <= ?2 order by lastSentAt",
                  ch.name(),
                  now.minus(ch.resendEvery()))
              .page(0, BATCH)
              .list();
      if (!due.isEmpty() && !caughtUp) {
        problems.catchUp();
        caughtUp = true;
      }
      for (AlertNotice n : due) {
        Alert last = fromJson(n.payload);
        if (last == null) {
          n.delete();
          continue;
        }
        Boolean holds = problems.holds(last);
        if (holds == null) {
          // What it was about is gone (a watch deleted): nothing will ever end it.
          n.delete();
          continue;
        }
        if (!holds) {
          // Over, and the end is on its way (within the group wait): no resend meanwhile.
          continue;
        }
        n.lastSentAt = now;
        if (AlertDelivery.count(
                "channel = ?1 and key = ?2 and status = ?3",
                ch.name(),
                n.id.key(),
                AlertDelivery.Status.PENDING.name())
            > 0) {
          // Still waiting to go (quiet hours, a receiver that is down): no pile of repeats.
          continue;
        }
        outbox.again(ch, last.repeat(now), now);
      }
    }
  }

  private Alert fromJson(String text) {
    try {
      return json.readValue(text, Alert.class);
    } catch (JsonProcessingException e) {
      LOG.warnf("Unreadable alert notice, dropped: %s", e.getMessage());
      return null;
    }
  }
}
