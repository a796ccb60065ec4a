package dev.detour.history;

import dev.detour.verdict.WatchState;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Watches' histories in the database ({@code round_history}): every round of the last day or two as
 * hourly chunks, then five-minute buckets a day a row for {@code detour.history.days}. Chunks
 * sealed by the rounds wait in a queue and are written together; a day whose rounds are all older
 * than a day is folded into its buckets in the transaction that deletes its rounds, so a reader
 * sees either, never both and never neither. Also the Overview's counts of watches by state every
 * five minutes ({@code state_tally}).
 */
@ApplicationScoped
public class HistoryStore {

  private static final Logger LOG = Logger.getLogger(HistoryStore.class);

  private final AgroalDataSource db;
  private final Queue<Chunk> sealed = new ConcurrentLinkedQueue<>();

  public HistoryStore(AgroalDataSource db) {
    this.db = db;
  }

  /** A chunk sealed by a round, written by the next {@link #write}. */
  public void queue(Chunk chunk) {
    if (chunk != null) {
      sealed.add(chunk);
    }
  }

  /** Chunks written in one transaction at most. */
  static final int BATCH = 2_000;

  /** Chunks waiting at most: past it (the database away for days) the oldest go, and are told. */
  static final int MAX_QUEUED = 1_000_000;

  /**
   * Writes the chunks sealed so far, {@link #BATCH} a transaction; returns how many. A chunk of a
   * watch deleted meanwhile is dropped (the insert asks for the watch). A batch that does not
   * commit goes back to the queue for the next turn, so a database away for a while loses no round.
   */
  public int write() {
    int written = 0;
    while (!sealed.isEmpty()) {
      List<Chunk> batch = new ArrayList<>();
      for (Chunk c; batch.size() < BATCH && (c = sealed.poll()) != null; ) {
        batch.add(c);
      }
      try {
        QuarkusTransaction.requiringNew()
            .run(
                () -> {
                  try (Connection c = db.getConnection()) {
                    insert(c, batch);
                  } catch (SQLException e) {
                    throw new IllegalStateException("history not written: " + e.getMessage(), e);
                  }
                });
      } catch (RuntimeException e) {
        sealed.addAll(batch);
        trim();
        throw e;
      }
      written += batch.size();
    }
    return written;
  }

  private void trim() {
    int dropped = 0;
    for (int excess = sealed.size() - MAX_QUEUED; dropped < excess && sealed.poll() != null; ) {
      dropped++;
    }
    if (dropped > 0) {
      LOG.warnf(
          "History: %d hours of rounds dropped, the database took none for too long", dropped);
    }
  }

  private static void insert(Connection c, List<Chunk> chunks) throws SQLException {
    try (PreparedStatement insert =
        c.prepareStatement(
            "insert into round_history (watch_id, tier, start_at, data)"
                + " select ?, ?, ?, ? where exists (select 1 from watch where id = ?)"
                + " and not exists (select 1 from round_history"
                + " where watch_id = ? and tier = ? and start_at = ?)")) {
      int n = 0;
      for (Chunk k : chunks) {
        insert.setLong(1, k.watchId());
        insert.setInt(2, k.tier());
        insert.setLong(3, k.startAt());
        insert.setBytes(4, k.data());
        insert.setLong(5, k.watchId());
        insert.setLong(6, k.watchId());
        insert.setInt(7, k.tier());
        insert.setLong(8, k.startAt());
        insert.addBatch();
        if (++n % 1000 == 0) {
          insert.executeBatch();
        }
      }
      insert.executeBatch();
    }
  }

  /** A watch's stored history from {@code from} on (epoch seconds), oldest first. */
  public List<Stretch> read(long watchId, long from) {
    return read(List.of(watchId), from).getOrDefault(watchId, List.of());
  }

  /** Several watches' stored history from {@code from} on, each oldest first. */
  public Map<Long, List<Stretch>> read(Collection<Long> watchIds, long from) {
    Map<Long, List<Stretch>> all = new HashMap<>();
    if (watchIds.isEmpty()) {
      return all;
    }
    String in = watchIds.stream().map(id -> "?").collect(Collectors.joining(","));
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "select watch_id, tier, start_at, data from round_history where watch_id in ("
                    + in
                    + ") and (tier = 0 and start_at >= ? or tier = 1 and start_at >= ?)"
                    + " order by watch_id, start_at")) {
      int i = 1;
      for (Long id : watchIds) {
        q.setLong(i++, id);
      }
      // An hour's rounds begin in the hour before; a day's buckets at the day's first second.
      q.setLong(i, Math.floorDiv(from, 3600) * 3600);
      q.setLong(i + 1, Math.floorDiv(from, HistoryCodec.DAY) * HistoryCodec.DAY);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          List<Stretch> into = all.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>());
          for (Stretch s : decode(rs.getInt(2), rs.getLong(3), rs.getBytes(4))) {
            if (s.from() >= from) {
              into.add(s);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("history not read: " + e.getMessage(), e);
    }
    all.values().forEach(list -> list.sort(Comparator.comparingLong(Stretch::from)));
    return all;
  }

  static List<Stretch> decode(int tier, long start, byte[] data) {
    if (tier == Chunk.BUCKETS) {
      return HistoryCodec.readBuckets(start, data);
    }
    byte[] raw = HistoryCodec.inflate(data);
    return HistoryCodec.rounds(start, raw, raw.length);
  }

  /**
   * Folds rounds of days that ended over a day before {@code now} into buckets, at most {@code
   * limit} chunks in one transaction; returns how many chunks it folded (call again while that is
   * the limit).
   */
  @Transactional
  public int compact(long now, int limit) {
    long cutoff = Math.floorDiv(now, HistoryCodec.DAY) * HistoryCodec.DAY - HistoryCodec.DAY;
    Map<List<Long>, List<Stretch>> days = new LinkedHashMap<>();
    List<long[]> folded = new ArrayList<>();
    try (Connection c = db.getConnection()) {
      try (PreparedStatement q =
          c.prepareStatement(
              "select watch_id, start_at, data from round_history where tier = 0 and start_at < ?"
                  + " order by watch_id, start_at limit ?")) {
        q.setLong(1, cutoff);
        q.setInt(2, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            long watch = rs.getLong(1);
            long start = rs.getLong(2);
            long day = Math.floorDiv(start, HistoryCodec.DAY) * HistoryCodec.DAY;
            days.computeIfAbsent(List.of(watch, day), k -> new ArrayList<>())
                .addAll(decode(Chunk.ROUNDS, start, rs.getBytes(3)));
            folded.add(new long[] {watch, start});
          }
        }
      }
      for (Map.Entry<List<Long>, List<Stretch>> day : days.entrySet()) {
        fold(c, day.getKey().get(0), day.getKey().get(1), day.getValue());
      }
      try (PreparedStatement delete =
          c.prepareStatement(
              "delete from round_history where watch_id = ? and tier = 0 and start_at = ?")) {
        for (long[] f : folded) {
          delete.setLong(1, f[0]);
          delete.setLong(2, f[1]);
          delete.addBatch();
        }
        delete.executeBatch();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("history not compacted: " + e.getMessage(), e);
    }
    return folded.size();
  }

  /** Adds a day's rounds to its bucket row (made, or read and made again). */
  private static void fold(Connection c, long watch, long day, List<Stretch> rounds)
      throws SQLException {
    List<Stretch> all = new ArrayList<>(rounds);
    try (PreparedStatement q =
        c.prepareStatement(
            "select data from round_history where watch_id = ? and tier = 1 and start_at = ?"
                + " for update")) {
      q.setLong(1, watch);
      q.setLong(2, day);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) {
          all.addAll(HistoryCodec.readBuckets(day, rs.getBytes(1)));
        }
      }
    }
    try (PreparedStatement d =
        c.prepareStatement(
            "delete from round_history where watch_id = ? and tier = 1 and start_at = ?")) {
      d.setLong(1, watch);
      d.setLong(2, day);
      d.executeUpdate();
    }
    insert(c, List.of(new Chunk(watch, Chunk.BUCKETS, day, HistoryCodec.buckets(day, all))));
  }

  /** Forgets buckets of days that ended {@code days} days before {@code now}; returns how many. */
  @Transactional
  public int expire(long now, int days) {
    long before =
        Math.floorDiv(now, HistoryCodec.DAY) * HistoryCodec.DAY - (long) days * HistoryCodec.DAY;
    return update(
        "delete from round_history where tier = 1 and start_at < ?",
        "delete from state_tally where at < ?",
        before);
  }

  private int update(String first, String second, long value) {
    try (Connection c = db.getConnection();
        PreparedStatement a = c.prepareStatement(first);
        PreparedStatement b = c.prepareStatement(second)) {
      a.setLong(1, value);
      b.setLong(1, value);
      return a.executeUpdate() + b.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("history not expired: " + e.getMessage(), e);
    }
  }

  /** Counts of watches by state at one moment, for the Overview's chart. */
  public record Tally(long at, Map<WatchState, Long> counts) {}

  /** Stores the counts at {@code at} (seconds), unless a node of the cluster already did. */
  @Transactional
  public void tally(long at, Map<WatchState, Long> counts) {
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "insert into state_tally (at, up_count, down_count, blocked_count, unknown_count)"
                    + " values (?, ?, ?, ?, ?) on conflict do nothing")) {
      q.setLong(1, at);
      int i = 2;
      for (WatchState s : WatchState.values()) {
        q.setLong(i++, counts.getOrDefault(s, 0L));
      }
      q.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("state counts not stored: " + e.getMessage(), e);
    }
  }

  /** The stored counts from {@code from} (seconds) on, oldest first. */
  public List<Tally> tallies(long from) {
    List<Tally> all = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "select at, up_count, down_count, blocked_count, unknown_count from state_tally"
                    + " where at >= ? order by at")) {
      q.setLong(1, from);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Map<WatchState, Long> counts = new EnumMap<>(WatchState.class);
          int i = 2;
          for (WatchState s : WatchState.values()) {
            counts.put(s, rs.getLong(i++));
          }
          all.add(new Tally(rs.getLong(1), counts));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("state counts not read: " + e.getMessage(), e);
    }
    return all;
  }

  /** Rows and bytes stored: what the history costs. */
  public long[] size() {
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "select count(*), coalesce(sum(length(data)), 0) from round_history");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    } catch (SQLException e) {
      throw new IllegalStateException("history size not read: " + e.getMessage(), e);
    }
  }
}
