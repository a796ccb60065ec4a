package dev.detour.route.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The forms a Linux router's {@code gateway} takes, and the message for one it does not. */
class LinuxGatewayTest {

  @Test
  void aDeviceAloneCarriesBothFamilies() {
    LinuxGateway g = LinuxGateway.parse("home", "gre1");

    assertThat(g).isEqualTo(new LinuxGateway("gre1", null, null));
    assertThat(g.via(true)).isEmpty();
    assertThat(g.via(false)).isEmpty();
  }

  @Test
  void aNextHopServesItsOwnFamilyOnly() {
    assertThat(LinuxGateway.parse("home", "192.0.2.1%vx0"))
        .isEqualTo(new LinuxGateway("vx0", "192.0.2.1", null));
    assertThat(LinuxGateway.parse("home", "2001:DB8::1%vx0"))
        .isEqualTo(new LinuxGateway("vx0", null, "2001:db8::1"));
    assertThat(LinuxGateway.parse("home", "192.0.2.1"))
        .isEqualTo(new LinuxGateway(null, "192.0.2.1", null));
  }

  @Test
  void oneNextHopOfEachFamilyOnOneDevice() {
    LinuxGateway g = LinuxGateway.parse("home", "192.0.2.1%vx0, 2001:db8::1%vx0");

    assertThat(g).isEqualTo(new LinuxGateway("vx0", "192.0.2.1", "2001:db8::1"));
    assertThat(g.via(false)).contains("2001:db8::1");
    assertThat(g.describe()).isEqualTo("via 192.0.2.1, 2001:db8::1 dev vx0");
    assertThat(LinuxGateway.parse("home", "fe80::1%wg0").via(false)).contains("fe80::1");
  }

  @Test
  void whatItDoesNotTakeIsNamedWithTheKey() {
    for (String wrong :
        new String[] {
          "192.0.2.1%vx0,192.0.2.2%vx0",
          "192.0.2.1%vx0,2001:db8::1%vx1",
          "192.0.2.0/24",
          "a-name-far-too-long-for-linux",
          "192.0.2.1%bad/dev",
          ""
        }) {
      assertThatThrownBy(() -> LinuxGateway.parse("home", wrong))
          .as(wrong)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("detour.routers.home.gateway: ");
    }
  }
}
