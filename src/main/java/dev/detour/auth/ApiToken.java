package dev.detour.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A bearer token for scripts; only its SHA-256 is kept, and its first characters as a hint. */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "api_token_seq")
  @SequenceGenerator(name = "api_token_seq", sequenceName = "api_token_seq", allocationSize = 10)
  public Long id;

  @Column(nullable = false, length = 63)
  public String name;

  @Column(name = "token_hash", nullable = false, length = 64)
  public String tokenHash;

  @Column(nullable = false, length = 12)
  public String hint;

  @Column(nullable = false, length = 10)
  public String role;

  @Column(name = "created_by", nullable = false, length = 63)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "last_used_at")
  public Instant lastUsedAt;
}
