package dev.detour.cluster;

import java.nio.file.Path;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.quartz.SchedulerException;
import org.quartz.spi.InstanceIdGenerator;

/**
 * Quartz's instance id for this node ({@code quarkus.quartz.instance-id=detour}): {@link NodeName},
 * which never needs the host name to resolve. Quartz makes this class itself, before CDI beans are
 * at hand, so it reads the two keys it needs from the configuration directly.
 */
public class NodeIdGenerator implements InstanceIdGenerator {

  @Override
  public String generateInstanceId() throws SchedulerException {
    Config config = ConfigProvider.getConfig();
    try {
      return NodeName.of(
          config.getOptionalValue(NodeName.KEY, String.class),
          config.getOptionalValue("detour.data-dir", Path.class).orElse(Path.of("data")),
          NodeName::kernelHostName);
    } catch (IllegalArgumentException e) {
      throw new SchedulerException(e.getMessage(), e);
    }
  }
}
