package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The query words of the RouterOS API manual, one entry at a time. */
class EmulatedQueryTest {

  private static final Map<String, String> ROUTE =
      Map.of("dst-address", "10.0.0.0/8", "distance", "5", "comment", "detour", "gateway", "gre1");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "'';                               true",
        "comment;                          true",
        "routing-mark;                     false",
        "-routing-mark;                    true",
        "-comment;                         false",
        "distance=5;                       true",
        "=distance=5;                      true",
        "distance=1;                       false",
        "<distance=10;                     true",
        ">distance=10;                     false",
        ">comment=;                        true",
        ">routing-mark=;                   false",
        "distance=1 distance=5 #|;         true",
        "distance=1 distance=2 #|;         false",
        "distance=1 distance=5 #&;         false",
        "distance=1 #!;                    true",
        "comment #!;                       false",
        "distance=1 comment #|!;           false",
        "distance=1 distance=5 #1;         false",
        "distance=1 distance=5 #0;         true",
        "distance=1 distance=5 #1.&;       false",
        "distance=5 #.&;                   true",
        "distance=1 comment #0&;           false",
      })
  void aQueryIsEvaluatedOnAStack(String words, boolean matches) throws Exception {
    List<String> query = words.isEmpty() ? List.of() : List.of(words.split(" "));

    assertThat(new EmulatedQuery(query).matches(ROUTE)).isEqualTo(matches);
  }

  @Test
  void onlyAQueryWithoutOperationsNamesWhatMustBeEqual() {
    assertThat(
            new EmulatedQuery(List.of("dynamic=false", "=comment=x", "-bgp", ">distance=1"))
                .necessary())
        .containsExactly(Map.entry("dynamic", "false"), Map.entry("comment", "x"));
    assertThat(new EmulatedQuery(List.of("dynamic=false", "comment=x", "#|")).necessary())
        .isEmpty();
  }
}
