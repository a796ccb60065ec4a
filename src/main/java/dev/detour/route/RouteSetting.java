package dev.detour.route;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A switch flipped at run time (kill switch, dry run); it outlives restarts. */
@Entity
@Table(name = "route_setting")
public class RouteSetting extends PanacheEntityBase {

  @Id
  @Column(length = 40)
  public String name;

  @Column(name = "setting_value", nullable = false, length = 200)
  public String value;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Column(name = "updated_by", nullable = false, length = 63)
  public String updatedBy;
}
