package dev.detour.cluster;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Work that one node of a cluster does at a time (the route sync): the node holds a row of {@code
 * cluster_lock} locked while it works, on a connection of its own. A node that dies mid-work loses
 * its connection, and the database lets the lock go with it — no lease to expire.
 */
@ApplicationScoped
public class ClusterLock {

  private static final Logger LOG = Logger.getLogger(ClusterLock.class);

  private final AgroalDataSource db;

  public ClusterLock(AgroalDataSource db) {
    this.db = db;
  }

  /**
   * Runs {@code work} holding the lock {@code name}, or returns empty at once when another node
   * holds it (that node is doing the work now).
   */
  public <T> Optional<T> ifFree(String name, Supplier<T> work) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!lock(c, name)) {
          c.rollback();
          return Optional.empty();
        }
        T result = work.get();
        c.commit();
        return Optional.ofNullable(result);
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot take the cluster lock " + name + ": " + e, e);
    }
  }

  private static boolean lock(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select name from cluster_lock where name = ? for update skip locked")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debugf("Rollback of a cluster lock failed: %s", e.getMessage());
    }
  }
}
