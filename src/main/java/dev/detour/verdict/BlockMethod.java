package dev.detour.verdict;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.probe.ProbeKind;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a block is done. Each probe package's verdict rule declares the methods it can tell ({@link
 * VerdictRule#methods()}), so a new kind of block is defined where its evidence is read. The label
 * is the {@code method} label of the API and the metrics; the database keeps it in upper case
 * ({@link #name()}).
 *
 * <p>When one round shows several, the verdict names the one of the lowest {@link #rank()}: the
 * most specific signature first.
 */
public final class BlockMethod implements Comparable<BlockMethod> {

  private static final Map<String, BlockMethod> DEFINED = new ConcurrentHashMap<>();

  /**
   * Allowlist mode: the ISP cuts everything abroad but a list of what it keeps, and no probe kind
   * tells this apart; the watches that fell together are marked so (see {@code AllowlistMode}).
   * Routable: the tunnel gets around it while the tunnel itself still works.
   */
  public static final BlockMethod ALLOWLIST =
      spec("allowlist", 95, "allowlist mode (everything abroad cut but an allowlist)").define();

  private final String label;
  private final int rank;
  private final String words;
  private final boolean routable;
  private final boolean routableOnRequest;
  private final boolean traceable;
  private final Set<ProbeKind> restsOn;

  private BlockMethod(Spec spec) {
    this.label = spec.label;
    this.rank = spec.rank;
    this.words = spec.words;
    this.routable = spec.routable;
    this.routableOnRequest = spec.routableOnRequest;
    this.traceable = spec.traceable;
    this.restsOn = Set.copyOf(spec.restsOn);
  }

  /**
   * A method to define, by its label ({@code tcp_rst_injected}), its rank and its name in words
   * ("injected TCP reset"); routable and not traceable unless said otherwise.
   */
  public static Spec spec(String label, int rank, String words) {
    return new Spec(label, rank, words);
  }

  /** What a method is, before it is defined. */
  public static final class Spec {
    private final String label;
    private final int rank;
    private final String words;
    private boolean routable = true;
    private boolean routableOnRequest;
    private boolean traceable;
    private Set<ProbeKind> restsOn = Set.of();

    private Spec(String label, int rank, String words) {
      this.label = label;
      this.rank = rank;
      this.words = words;
    }

    /** Routing the target through the tunnel does not get around it (a lying resolver). */
    public Spec notRoutable() {
      routable = false;
      return this;
    }

    /**
     * Routed only for a group that asks for it ({@code routeQuicBlocks}): the block hurts, but the
     * client has a way around it without the tunnel (QUIC blocked, TCP working).
     */
    public Spec routableOnRequest() {
      routable = false;
      routableOnRequest = true;
      return this;
    }

    /** A TCP trace can place the censor on the path (not DNS lies, not filtered pings). */
    public Spec traceable() {
      traceable = true;
      return this;
    }

    /**
     * The probes whose timeouts a verdict of this method may rest on: the ones looked at again
     * before a block resting on timeouts alone is declared.
     */
    public Spec restsOn(String... kinds) {
      restsOn =
          java.util.Arrays.stream(kinds)
              .map(ProbeKind::of)
              .collect(java.util.stream.Collectors.toSet());
      return this;
    }

    /** Defines it; defining the same label twice is a mistake in the rules. */
    public BlockMethod define() {
      if (!label.matches("[a-z][a-z0-9_]{0,23}")) {
        throw new IllegalArgumentException("a method's label is lower case: " + label);
      }
      BlockMethod made = new BlockMethod(this);
      BlockMethod before = DEFINED.putIfAbsent(label, made);
      if (before != null) {
        throw new IllegalStateException("block method " + label + " is defined twice");
      }
      return made;
    }
  }

  /**
   * The method of this label (any case: the API's {@code tcp_rst_injected}, the database's {@code
   * TCP_RST_INJECTED}).
   *
   * @throws IllegalArgumentException naming the methods there are
   */
  @JsonCreator
  public static BlockMethod of(String label) {
    VerdictRules.all(); // every rule's methods are defined once its class is loaded
    BlockMethod m = label == null ? null : DEFINED.get(label.strip().toLowerCase(Locale.ROOT));
    if (m == null) {
      throw new IllegalArgumentException(
          "no block method '" + label + "'; the methods are " + labels());
    }
    return m;
  }

  /** Every method, by rank. */
  public static List<BlockMethod> all() {
    VerdictRules.all();
    return DEFINED.values().stream().sorted().toList();
  }

  /** "dns_tampered, http_blockpage, …": for messages that say what may be named. */
  public static String labels() {
    return String.join(", ", all().stream().map(BlockMethod::label).toList());
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** As the database keeps it: the label in upper case. */
  public String name() {
    return label.toUpperCase(Locale.ROOT);
  }

  /** Lower comes first when one round shows several methods. */
  public int rank() {
    return rank;
  }

  /**
   * Whether routing the target's addresses through the tunnel gets around this block. A lying
   * resolver is fixed by asking another, and filtered pings need no fixing.
   */
  public boolean routable() {
    return routable;
  }

  /**
   * Whether routing gets around this block and the user routes blocks of this kind when asked
   * ({@link Spec#routableOnRequest()}): a group's {@code routeQuicBlocks}.
   */
  public boolean routableOnRequest() {
    return routableOnRequest;
  }

  /** Whether a TCP trace can place the censor on the path. */
  public boolean traceable() {
    return traceable;
  }

  /** The probes whose timeouts a verdict of this method may rest on. */
  public Set<ProbeKind> restsOn() {
    return restsOn;
  }

  /** In words, for messages to people: "injected TCP reset". */
  public String describe() {
    return words;
  }

  @Override
  public int compareTo(BlockMethod other) {
    return Comparator.comparingInt(BlockMethod::rank)
        .thenComparing(BlockMethod::label)
        .compare(this, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlockMethod m && m.label.equals(label);
  }

  @Override
  public int hashCode() {
    return label.hashCode();
  }

  @Override
  public String toString() {
    return label;
  }
}
