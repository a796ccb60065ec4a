package dev.detour.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The round log: each node writes the rounds it runs, and reads which node ran a group's latest
 * round — when that was another node, the group's state in memory here is stale.
 */
@ApplicationScoped
public class Rounds {

  /** How long the log keeps a round. */
  static final Duration KEPT = Duration.ofDays(1);

  private volatile Instant prunedAt = Instant.EPOCH;

  /** A round begins: logged, and the round before it (by any node) returned, if any. */
  @Transactional
  public Begun begin(long groupId, String node, Instant scheduledAt, boolean recovered) {
    Optional<RoundLog> previous = latestOf(groupId);
    RoundLog log = new RoundLog();
    log.groupId = groupId;
    log.node = node;
    log.scheduledAt = scheduledAt;
    log.startedAt = Instant.now();
    log.recovered = recovered;
    log.persist();
    return new Begun(log.id, previous.map(RoundLog::summary).orElse(null));
  }

  /** A round is over, with this many watches probed. */
  @Transactional
  public void finish(long id, int watches) {
    RoundLog log = RoundLog.findById(id);
    if (log != null) {
      log.finishedAt = Instant.now();
      log.watches = watches;
    }
    Instant now = Instant.now();
    if (prunedAt.plus(Duration.ofHours(1)).isBefore(now)) {
      prunedAt = now;
      RoundLog.delete("startedAt < ?1", now.minus(KEPT));
    }
  }

  /** The latest round of a group, by whichever node, or null. */
  @Transactional
  public Summary latest(long groupId) {
    return latestOf(groupId).map(RoundLog::summary).orElse(null);
  }

  private static Optional<RoundLog> latestOf(long groupId) {
    return RoundLog.<RoundLog>find("groupId = ?1 order by startedAt desc, id desc", groupId)
        .firstResultOptional();
  }

  /** A round just logged, and the one before it. */
  public record Begun(long id, Summary previous) {}

  /** Who ran a round and when it ended (null while it runs, or when its node died in it). */
  public record Summary(long id, String node, Instant startedAt, Instant finishedAt) {}
}
