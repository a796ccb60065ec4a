package dev.detour.monitor;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.state.WatchRuntimeView;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Part;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one watch between rounds. One round of a watch runs at a time ({@link
 * #running}), so its fields are written by one thread at a time and read by the API.
 */
final class WatchRuntime {

  final long id;
  volatile String target;
  volatile String group;

  /** The group's id (0 for a status loaded at start, until its first round). */
  volatile long groupId;

  private volatile Tracker tracker;

  /** This vantage is offline: the watch shows unknown, its tracker waits untouched. */
  private volatile boolean offline;

  /**
   * Moves whenever a watch's shown state or group may have changed, or watches come or go: counts
   * over every watch (the overview, asked every second by live pages) are kept until it moves.
   */
  static final AtomicLong SHOWN = new AtomicLong();

  volatile Verdict verdict;
  volatile Set<BlockMethod> methods = Set.of();

  /** Every method this watch has been blocked by since start: each has its metric series. */
  volatile Set<BlockMethod> seenMethods = Set.of();

  /** The latest round's evidence, packed (read as JSON only). */
  volatile PackedEvidence evidence;

  volatile Instant checkedAt;
  volatile CensorLocation censor;
  volatile List<Part> parts = List.of();

  /** The latest round was checked against a working control vantage (the block is confirmed). */
  volatile boolean controlled;

  volatile long round;
  volatile boolean dirty;

  /** Probes the latest round's evidence asked to run next round, outside their cadence. */
  volatile Set<ProbeKind> wanted = Set.of();

  /** The latest transfer's goodput here and through the control, or null before the first. */
  volatile Goodput goodput;

  /**
   * Bytes a second a page came at, here and through the control vantage; NaN where it did not flow
   * (frozen, failed, not probed).
   */
  record Goodput(double local, double control) {}

  /**
   * What the stored row says (state, methods, reasons, parts; not the checked time), as a hash, and
   * when it was written: an unchanged watch is written again only now and then.
   */
  volatile int storedDigest;

  volatile int digest;
  volatile Instant storedAt;

  /**
   * The hysteresis under way (pending verdict and its rounds) as a hash, and as stored: what
   * another node of a cluster needs before it runs the group's next round.
   */
  volatile int pendingDigest;

  volatile int storedPendingDigest;

  /** This hour's rounds, until they are stored with the watch's history. */
  final dev.detour.history.RoundBuffer history = new dev.detour.history.RoundBuffer();

  /** The probe runs of the last round whose pcap files are kept for two more rounds. */
  volatile List<String> captures = List.of();

  /** The same of the round before, deleted at the next round. */
  volatile List<String> olderCaptures = List.of();

  final AtomicBoolean running = new AtomicBoolean();

  /** Rounds of this watch run since its last scheduled round to confirm a change (rechecks). */
  volatile int rechecks;

  /**
   * The host's genuine packets, learned from clean rounds: of its one address in the two fields (an
   * address watch's, and most hosts'), of up to 16 in the map once a second address comes (an
   * access-ordered map a watch was 110 bytes, 11 MB at 100,000 watches).
   */
  private String templateAddress;

  private HostTemplate template = HostTemplate.NONE;
  private Map<String, HostTemplate> templates;

  /**
   * Prefix watches: each block's tracker and an address of it that answered (made on first use: an
   * address watch needs neither, and two empty maps were 13 MB at 100,000 watches).
   */
  private volatile Map<String, Tracker> blocks;

  private volatile Map<String, String> responsive;

  WatchRuntime(long id, String target, String group, Tracker tracker) {
    this.id = id;
    this.target = target;
    this.group = group;
    this.tracker = tracker;
    SHOWN.incrementAndGet();
  }

  Tracker tracker() {
    return tracker;
  }

  void tracker(Tracker next) {
    Tracker before = tracker;
    tracker = next;
    if (before == null || before.state() != next.state()) {
      SHOWN.incrementAndGet();
    }
  }

  boolean offline() {
    return offline;
  }

  void offline(boolean now) {
    if (offline != now) {
      offline = now;
      SHOWN.incrementAndGet();
    }
  }

  void group(String name) {
    if (!java.util.Objects.equals(group, name)) {
      group = name;
      SHOWN.incrementAndGet();
    }
  }

  /** The row was written as the latest round left it. */
  void stored() {
    storedDigest = digest;
    storedPendingDigest = pendingDigest;
    storedAt = checkedAt;
    dirty = false;
  }

  /** The state shown: the tracker's, or unknown while this vantage is offline. */
  WatchState state() {
    return offline ? WatchState.UNKNOWN : tracker.state();
  }

  /** The block's method shown, or null. */
  BlockMethod method() {
    return offline ? null : tracker.method();
  }

  synchronized HostTemplate template(String address) {
    if (templates != null) {
      return templates.getOrDefault(address, HostTemplate.NONE);
    }
    return address.equals(templateAddress) ? template : HostTemplate.NONE;
  }

  synchronized void learn(String address, HostTemplate learned) {
    if (templates == null && (templateAddress == null || templateAddress.equals(address))) {
      templateAddress = address;
      template = learned;
      return;
    }
    if (templates == null) {
      templates =
          new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, HostTemplate> eldest) {
              return size() > 16;
            }
          };
      templates.put(templateAddress, template);
      templateAddress = null;
      template = HostTemplate.NONE;
    }
    templates.put(address, learned);
  }

  /** Each block's tracker (a prefix watch's). */
  Map<String, Tracker> blocks() {
    Map<String, Tracker> made = blocks;
    if (made == null) {
      synchronized (this) {
        if (blocks == null) {
          blocks = new ConcurrentHashMap<>();
        }
        made = blocks;
      }
    }
    return made;
  }

  /** An address of each block that answered (a prefix watch's). */
  Map<String, String> responsive() {
    Map<String, String> made = responsive;
    if (made == null) {
      synchronized (this) {
        if (responsive == null) {
          responsive = new ConcurrentHashMap<>();
        }
        made = responsive;
      }
    }
    return made;
  }

  List<Part> blockParts(Map<String, String> lastAddresses) {
    List<Part> all = new ArrayList<>();
    Map<String, Tracker> blocks = this.blocks;
    if (blocks == null) {
      return all;
    }
    blocks.forEach(
        (block, t) ->
            all.add(new Part(block, t.state(), t.method(), t.since(), lastAddresses.get(block))));
    all.sort(java.util.Comparator.comparing(Part::part));
    return all;
  }

  /** The watch's live view; its evidence unpacked when {@code store} is given. */
  WatchRuntimeView view(StatusStore store) {
    WatchRuntime rt = this;
    Tracker t = rt.tracker();
    CensorLocation censor = rt.censor;
    return new WatchRuntimeView(
        rt.state(),
        rt.method(),
        rt.offline() ? Set.of() : rt.methods,
        t.since(),
        rt.verdict == null ? 0 : rt.verdict.confidence(),
        rt.checkedAt,
        t.pending() == null
            ? null
            : new WatchRuntimeView.Pending(
                t.pending().state(), t.pending().method(), t.pendingRounds(), t.pendingSince()),
        rt.verdict == null ? List.of() : rt.verdict.reasons(),
        censor == null ? null : censor.censorHop(),
        censor == null ? null : censor.censorRouter(),
        censor,
        rt.parts,
        store == null ? null : store.tree(rt.evidence));
  }
}
