package dev.detour.monitor;

import dev.detour.cluster.ClusterLock;
import dev.detour.history.HistoryCodec;
import dev.detour.history.HistoryStore;
import dev.detour.history.Stretch;
import dev.detour.system.Periodic;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Keeps the watches' history: every minute the rounds of hours that ended are sealed and written;
 * every hour one node of the cluster folds rounds over a day old into five-minute buckets and
 * forgets what is older than {@code detour.monitor.history-days}; every five minutes the counts by
 * state are stored for the Overview. At shutdown the hour's rounds so far are written, so a restart
 * loses none.
 */
@ApplicationScoped
public class HistoryKeeper {

  private static final Logger LOG = Logger.getLogger(HistoryKeeper.class);

  /** Chunks folded in one transaction at most. */
  static final int FOLD = 2_000;

  private final WatchStateStore states;
  private final HistoryStore store;
  private final ClusterLock lock;
  private final MonitorConfig config;

  private long compactedHour = -1;
  private long talliedAt = -1;

  public HistoryKeeper(
      WatchStateStore states, HistoryStore store, ClusterLock lock, MonitorConfig config) {
    this.states = states;
    this.store = store;
    this.lock = lock;
    this.config = config;
  }

  void onStart(@Observes StartupEvent event, Periodic periodic) {
    periodic.every("detour-history", Duration.ofSeconds(20), Duration.ofSeconds(60), this::keep);
  }

  /** The rounds of these watches not stored yet (this hour's, held here), each oldest first. */
  public Map<Long, List<Stretch>> unstored(Collection<Long> ids) {
    Map<Long, List<Stretch>> all = new HashMap<>();
    for (Long id : ids) {
      WatchRuntime rt = states.find(id);
      if (rt != null) {
        all.put(id, rt.history.rounds());
      }
    }
    return all;
  }

  /** Seals every watch's rounds held from before {@code second} and queues them to be written. */
  void sealBefore(long second) {
    for (WatchRuntime rt : states.all()) {
      store.queue(rt.history.sealBefore(rt.id, second));
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    try {
      sealBefore(Long.MAX_VALUE);
      int written = store.write();
      LOG.debugf("History: %d chunks of this hour's rounds written at shutdown", written);
    } catch (RuntimeException e) {
      LOG.warnf("History: this hour's rounds were not written at shutdown: %s", e.getMessage());
    }
  }

  /**
   * One turn: seal and write, and now and then fold, expire and count — each on its own, so a
   * database that refuses one does not stop the others.
   */
  void keep() {
    long now = System.currentTimeMillis() / 1000;
    sealBefore(now / 3600 * 3600);
    RuntimeException failed = null;
    try {
      store.write();
    } catch (RuntimeException e) {
      failed = e;
    }
    long tallyAt = now / HistoryCodec.BUCKET * HistoryCodec.BUCKET;
    if (tallyAt != talliedAt) {
      store.tally(tallyAt, states.counts().total());
      talliedAt = tallyAt;
    }
    if (now / 3600 != compactedHour) {
      lock.ifFree("history", () -> compact(now));
      compactedHour = now / 3600;
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Folds and expires; returns the chunks folded. */
  int compact(long now) {
    int folded = 0;
    for (int turn = 0; turn < 1_000; turn++) {
      int n = store.compact(now, FOLD);
      folded += n;
      if (n < FOLD) {
        break;
      }
    }
    int expired = store.expire(now, config.historyDays());
    if (folded > 0 || expired > 0) {
      LOG.infof(
          "History: %d hours of rounds folded into buckets, %d old rows forgotten",
          folded, expired);
    }
    return folded;
  }
}
