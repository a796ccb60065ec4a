package dev.detour.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Empties the tables between tests, so each test starts from nothing in the real database. */
@ApplicationScoped
public class Database {

  private final EntityManager em;

  public Database(EntityManager em) {
    this.em = em;
  }

  @Transactional
  public void clear() {
    em.createQuery("delete from AlertDelivery").executeUpdate();
    em.createQuery("delete from AlertNotice").executeUpdate();
    em.createQuery("delete from AlertSilence").executeUpdate();
    em.createQuery("delete from Incident where parentId is not null").executeUpdate();
    em.createQuery("delete from Incident").executeUpdate();
    em.createQuery("delete from WatchStatus").executeUpdate();
    em.createQuery("delete from RouteClaim").executeUpdate();
    em.createQuery("delete from RouteRule").executeUpdate();
    em.createQuery("delete from RouteAudit").executeUpdate();
    em.createQuery("delete from RouteSetting").executeUpdate();
    em.createQuery("delete from Watch").executeUpdate();
    em.createQuery("delete from WatchGroup").executeUpdate();
    em.createNativeQuery("delete from state_tally").executeUpdate();
  }

  /** Empties sessions and tokens and every account but {@code admin}. */
  @Transactional
  public void clearAccess() {
    em.createQuery("delete from UiSession").executeUpdate();
    em.createQuery("delete from ApiToken").executeUpdate();
    em.createQuery("delete from Account where username <> 'admin'").executeUpdate();
  }

  @Transactional
  public long count(String entity) {
    return em.createQuery("select count(e) from " + entity + " e", Long.class).getSingleResult();
  }
}
