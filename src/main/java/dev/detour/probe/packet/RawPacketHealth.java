package dev.detour.probe.packet;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/** {@code /q/health/group/probing}: whether raw probes can run, and what to fix if not. */
@ApplicationScoped
@HealthGroup("probing")
public class RawPacketHealth implements HealthCheck {

  private final RawPacketAccess access;

  public RawPacketHealth(RawPacketAccess access) {
    this.access = access;
  }

  @Override
  public HealthCheckResponse call() {
    RawPacketAccess.Status s = access.status();
    HealthCheckResponseBuilder builder =
        HealthCheckResponse.named("raw-packets")
            .status(s.canProbe())
            .withData("CAP_NET_RAW", s.netRaw())
            .withData("CAP_NET_ADMIN", s.netAdmin())
            .withData("libpcap", s.libpcap().orElse("missing"));
    for (int i = 0; i < s.problems().size(); i++) {
      builder.withData("problem" + (i + 1), s.problems().get(i));
    }
    return builder.build();
  }
}
