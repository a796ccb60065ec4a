package dev.detour.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in grafana/ are valid and fire when they should: Debian's promtool checks them
 * and runs their unit tests (detour.rules.test.yml). Without promtool it fails, like every test
 * whose tool .ci/prepare installs.
 */
class PrometheusRulesTest {

  static final Path RULES = Path.of("grafana", "prometheus");

  static String promtool(String... args) throws IOException, InterruptedException {
    assertThat(Path.of("/usr/bin/promtool"))
        .as("promtool: apt-get install prometheus (.ci/prepare does, as root)")
        .isExecutable();
    String[] command = new String[args.length + 1];
    command[0] = "/usr/bin/promtool";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p =
        new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
    return out;
  }

  @Test
  void theRulesAreValid() throws Exception {
    assertThat(promtool("check", "rules", "detour.rules.yml")).contains("SUCCESS: 9 rules found");
  }

  @Test
  void theRulesFireWhenTheyShould() throws Exception {
    assertThat(promtool("test", "rules", "detour.rules.test.yml")).contains("SUCCESS");
  }

  @Test
  void everyRuleIsTestedAndNamesItsSeverity() throws Exception {
    String rules = Files.readString(RULES.resolve("detour.rules.yml"));
    String tests = Files.readString(RULES.resolve("detour.rules.test.yml"));
    Matcher names = Pattern.compile("- alert: (\\w+)").matcher(rules);
    int n = 0;
    while (names.find()) {
      n++;
      assertThat(tests)
          .as("a promtool test of %s", names.group(1))
          .contains("alertname: " + names.group(1));
    }
    assertThat(n).isEqualTo(9);
    assertThat(rules.split("severity: ", -1)).hasSize(n + 1);
  }
}
