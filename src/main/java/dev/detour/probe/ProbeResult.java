package dev.detour.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** The outcome of one probe: its evidence, or why there is none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(
    ProbeKind probe,
    Status status,
    String problem,
    long millis,
    Evidence evidence,
    List<String> captures) {

  /** Whether the probe ran. */
  public enum Status {
    OK,
    /** It cannot run here (no CAP_NET_RAW, no libpcap, no name for DNS). */
    UNAVAILABLE,
    /** It ran and broke (no route, an interface that does not exist). */
    FAILED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
