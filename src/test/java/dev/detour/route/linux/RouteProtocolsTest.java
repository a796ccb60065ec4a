package dev.detour.route.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol names read back to numbers, as an ip without -N would print them. */
class RouteProtocolsTest {

  @Test
  void namesAreReadBackThroughTheFilesInIproute2sOrder(@TempDir Path dir) throws Exception {
    Path main = Files.writeString(dir.resolve("rt_protos"), "# comment\n211 detour\n0xd4 other\n");
    Path d = Files.createDirectory(dir.resolve("rt_protos.d"));
    Files.writeString(d.resolve("a.conf"), "211 ours  # renamed\n");
    Files.writeString(d.resolve("b.txt"), "12 notread\n");
    Files.writeString(d.resolve("c.conf"), "213 twice\n214 twice\n");
    RouteProtocols names = RouteProtocols.named(List.of(main, d, dir.resolve("absent")));
    assertThat(names.numbers()).isFalse();
    assertThat(names.number("ours")).isEqualTo(211);
    assertThat(names.number("detour")).as("named anew by a later file").isEqualTo(-1);
    assertThat(names.number("other")).isEqualTo(212);
    assertThat(names.number("bird")).as("iproute2's own names").isEqualTo(12);
    assertThat(names.number("notread")).isEqualTo(-1);
    assertThat(names.number("twice")).as("a name of two numbers is neither").isEqualTo(-1);
    assertThat(names.number("211")).isEqualTo(211);
    assertThat(names.number("")).as("no protocol printed: boot").isEqualTo(3);
    assertThat(RouteProtocols.numeric().number("bird")).isEqualTo(-1);
    assertThat(RouteProtocols.DYNAMIC).contains(2, 9, 11, 12, 16, 42, 186, 187, 188, 189);
    assertThat(RouteProtocols.DYNAMIC).doesNotContain(3, 4, 211);
  }
}
