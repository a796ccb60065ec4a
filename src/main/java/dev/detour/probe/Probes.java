package dev.detour.probe;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.detour.api.FieldError;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The probes present, by kind: which kinds exist (for the API, the configuration and a control
 * agent's answers), in which order their results come, how each one's evidence reads back from JSON
 * and how it is laid out for reading. Probes are CDI beans; this is the one place that lists them,
 * and it lists whatever beans there are.
 */
@ApplicationScoped
public class Probes {

  private final Map<ProbeKind, Probe<?>> byKind = new LinkedHashMap<>();

  @jakarta.inject.Inject
  public Probes(Instance<Probe<?>> all) {
    this((Iterable<Probe<?>>) all);
  }

  /** These probes, outside CDI (tests, tools). */
  public Probes(Iterable<? extends Probe<?>> all) {
    List<Probe<?>> sorted = new ArrayList<>();
    all.forEach(sorted::add);
    sorted.sort(Comparator.comparingInt((Probe<?> p) -> p.order()).thenComparing(p -> p.kind()));
    for (Probe<?> p : sorted) {
      ProbeKind.known(p.kind());
      Probe<?> twin = byKind.put(p.kind(), p);
      if (twin != null) {
        throw new IllegalStateException(
            "two probes say they are " + p.kind() + ": " + twin.getClass() + ", " + p.getClass());
      }
    }
  }

  /** Every probe, in their results' order. */
  public Collection<Probe<?>> all() {
    return byKind.values();
  }

  public Optional<Probe<?>> get(ProbeKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  public boolean known(ProbeKind kind) {
    return byKind.containsKey(kind);
  }

  /** Every kind, in their results' order. */
  public List<ProbeKind> kinds() {
    return List.copyOf(byKind.keySet());
  }

  /** The kinds a round may run on an address (not DNS, not the trace). */
  public Set<ProbeKind> perAddress(Collection<ProbeKind> kinds) {
    return kinds.stream()
        .filter(k -> get(k).map(p -> p.scope() == Scope.ADDRESS).orElse(false))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Kinds in their results' order. */
  public List<ProbeKind> ordered(Collection<ProbeKind> kinds) {
    List<ProbeKind> order = kinds();
    return kinds.stream()
        .sorted(Comparator.comparingInt(k -> order.indexOf(k) < 0 ? 1000 : order.indexOf(k)))
        .toList();
  }

  /** "icmp, tcp_syn, …": for messages that say what may be named. */
  public String labels() {
    return byKind.keySet().stream().map(ProbeKind::label).collect(Collectors.joining(", "));
  }

  /**
   * Probes named in a request, checked: null when none are named (the caller's default), else the
   * set; adds what is wrong to {@code errors}.
   */
  public Set<ProbeKind> check(Set<ProbeKind> raw, String field, List<FieldError> errors) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.stream().anyMatch(java.util.Objects::isNull)) {
      errors.add(
          FieldError.field(
              field,
              "name one or more of " + labels() + ", or leave the field out to use the default"));
      return null;
    }
    List<String> unknown = raw.stream().filter(k -> !known(k)).map(ProbeKind::label).toList();
    if (!unknown.isEmpty()) {
      errors.add(
          FieldError.field(
              field,
              "unknown probe " + String.join(", ", unknown) + "; known probes: " + labels()));
      return null;
    }
    return new TreeSet<>(raw);
  }

  /**
   * Checks probes named by a configuration key at start.
   *
   * @throws IllegalStateException naming the key and what may be named
   */
  public void checkConfigured(String key, Collection<ProbeKind> kinds) {
    for (ProbeKind k : kinds) {
      if (!known(k)) {
        throw new IllegalStateException(
            key + ": there is no probe " + k + "; the probes are " + labels());
      }
    }
  }

  /** A result's evidence laid out for reading; null when its probe is unknown here. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Rendering render(ProbeResult result) {
    Probe probe = byKind.get(result.probe());
    if (probe == null || result.evidence() == null) {
      return null;
    }
    return probe.render(result.evidence());
  }

  /**
   * A result read from JSON with its evidence typed by its probe's kind.
   *
   * @throws IOException when the kind is unknown here or the evidence is not of its type
   */
  public ProbeResult read(JsonNode r, ObjectMapper json) throws IOException {
    ProbeKind kind;
    try {
      kind = ProbeKind.of(r.path("probe").asText());
    } catch (IllegalArgumentException e) {
      throw new IOException("an unknown probe: " + r.path("probe"));
    }
    ProbeResult.Status status =
        switch (r.path("status").asText()) {
          case "ok" -> ProbeResult.Status.OK;
          case "unavailable" -> ProbeResult.Status.UNAVAILABLE;
          default -> ProbeResult.Status.FAILED;
        };
    Evidence evidence = null;
    if (status == ProbeResult.Status.OK) {
      Probe<?> probe = byKind.get(kind);
      if (probe == null) {
        throw new IOException("an unknown probe: " + kind);
      }
      if (!r.hasNonNull("evidence")) {
        throw new IOException("the " + kind + " result has no evidence");
      }
      try {
        evidence = json.treeToValue(r.get("evidence"), probe.evidenceType());
      } catch (IOException | IllegalArgumentException e) {
        throw new IOException(
            "the " + kind + " evidence is not " + probe.evidenceType().getSimpleName() + ": " + e);
      }
    }
    List<String> captures = null;
    if (r.hasNonNull("captures")) {
      captures = new ArrayList<>();
      for (JsonNode c : r.get("captures")) {
        captures.add(c.asText());
      }
    }
    return new ProbeResult(
        kind,
        status,
        r.hasNonNull("problem") ? r.get("problem").asText() : null,
        r.path("millis").asLong(),
        evidence,
        captures);
  }

  /**
   * A result as stored with a round (an incident's evidence, a watch's latest round): what cannot
   * be read back (a probe this version no longer has) reads as a failed result that says so, so the
   * rest of the round still shows.
   */
  public ProbeResult readStored(JsonNode r, ObjectMapper json) {
    try {
      return read(r, json);
    } catch (IOException e) {
      ProbeKind kind;
      try {
        kind = ProbeKind.of(r.path("probe").asText());
      } catch (IllegalArgumentException unnamed) {
        kind = UNREADABLE;
      }
      return new ProbeResult(
          kind, ProbeResult.Status.FAILED, "cannot read it back: " + e.getMessage(), 0, null, null);
    }
  }

  private static final ProbeKind UNREADABLE = ProbeKind.of("unreadable");

  /**
   * Teaches Quarkus' JSON mapper to read probe results with typed evidence, so a stored round reads
   * back into the records its probes made.
   */
  @Singleton
  static class Json implements ObjectMapperCustomizer {

    private final Instance<Probes> probes;

    Json(Instance<Probes> probes) {
      this.probes = probes;
    }

    @Override
    public void customize(ObjectMapper mapper) {
      mapper.registerModule(module(() -> probes.get()));
    }
  }

  /** A Jackson module that reads probe results with these probes' evidence types. */
  public SimpleModule module() {
    return module(() -> this);
  }

  private static SimpleModule module(java.util.function.Supplier<Probes> probes) {
    SimpleModule module = new SimpleModule("detour-probe-results");
    module.addDeserializer(
        ProbeResult.class,
        new JsonDeserializer<>() {
          @Override
          public ProbeResult deserialize(JsonParser p, DeserializationContext ctx)
              throws IOException {
            JsonNode node = p.readValueAsTree();
            return probes.get().readStored(node, (ObjectMapper) p.getCodec());
          }
        });
    return module;
  }
}
