package dev.detour.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A watch's latest round evidence as it is only ever read: JSON (for the API, the pages and the
 * incident a transition writes), kept deflated. The round's objects (packets, results, lists) were
 * about 1.2 KB a watch and a third of the live heap at 100,000 watches; the 3 KB of JSON of an up
 * address's SYN round pack to ~270 bytes. Packing costs one JSON write a round, which the incident
 * of a transition reuses.
 */
final class PackedEvidence {

  /**
   * A preset dictionary: rounds as the service writes them (an up address's SYN round, an echo
   * result, a blocked verdict), so that even the first bytes of a small document can refer back to
   * names, phrases and layout it repeats (deflate's window otherwise starts empty for each watch).
   * Changing it makes earlier packs unreadable, which is fine: packs live in memory only.
   */
  private static final byte[] DICTIONARY = dictionary();

  /**
   * Deflate's default level: a real up round packs to ~270 bytes (~370 at the fastest level) for 4
   * µs more (~33 µs a pack with the JSON write, 0.06 of a core at 100,000 watches a minute).
   */
  private static final int LEVEL = 6;

  /**
   * Deflaters to reuse, at most one a core: each holds ~300 KB of zlib's native memory, and one a
   * packing thread (there are dozens) showed in the resident size.
   */
  private static final BlockingQueue<Deflater> DEFLATERS =
      new ArrayBlockingQueue<>(Runtime.getRuntime().availableProcessors());

  /** Each packing thread's output buffer, grown as needed. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

  private final byte[] packed;
  private final int length;

  /** When the round it holds began. */
  private final Instant at;

  private PackedEvidence(byte[] packed, int length, Instant at) {
    this.packed = packed;
    this.length = length;
    this.at = at;
  }

  /** When the round it holds began. */
  Instant at() {
    return at;
  }

  /**
   * How long an up watch whose rounds keep saying the same keeps its packed evidence. Packing (the
   * round as JSON, its packets as tcpdump lines, deflated) was a third of the CPU of a
   * 100,000-watch round, and for an unchanged up watch it packed the same story with new sequence
   * numbers.
   */
  static final Duration REPACK_UNCHANGED = Duration.ofMinutes(5);

  /**
   * Whether this round's evidence need not replace the packed one: the watch is up with nothing
   * pending, this round says so for the same reasons, no pcap file of it is kept (a link to it must
   * be this round's), and the packed round is younger than {@link #REPACK_UNCHANGED}. A round that
   * may change the state (which writes its incident from the pack) is always packed; the shown
   * evidence says which round it is from.
   */
  static boolean keeps(WatchRuntime rt, Verdict v, List<AddressEvidence> evidence, Instant at) {
    PackedEvidence packed = rt.evidence;
    Verdict before = rt.verdict;
    return packed != null
        && before != null
        && v.state() == WatchState.UP
        && before.state() == WatchState.UP
        && rt.tracker().state() == WatchState.UP
        && rt.tracker().pending() == null
        && v.reasons().equals(before.reasons())
        && evidence.stream()
            .allMatch(
                e ->
                    (e.local() == null || e.local().id() == null)
                        && (e.control() == null || e.control().id() == null))
        && at.isBefore(packed.at().plus(REPACK_UNCHANGED));
  }

  /** The round as the API writes it, deflated. */
  static PackedEvidence pack(RoundEvidence round, ObjectMapper json) {
    byte[] text;
    try {
      text = json.writeValueAsBytes(round);
    } catch (IOException e) {
      throw new UncheckedIOException("the round's evidence cannot be written as JSON", e);
    }
    Deflater deflater = DEFLATERS.poll();
    if (deflater == null) {
      deflater = new Deflater(LEVEL);
    }
    try {
      deflater.setDictionary(DICTIONARY);
      deflater.setInput(text);
      deflater.finish();
      byte[] out = SCRATCH.get();
      int n = 0;
      while (!deflater.finished()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
          SCRATCH.set(out);
        }
        n += deflater.deflate(out, n, out.length - n);
      }
      return new PackedEvidence(Arrays.copyOf(out, n), text.length, round.at());
    } finally {
      deflater.reset();
      if (!DEFLATERS.offer(deflater)) {
        deflater.end();
      }
    }
  }

  /** Bytes held (for the memory figures and tests). */
  int packedSize() {
    return packed.length;
  }

  /** The JSON text as written. */
  String json() {
    return new String(inflate(), StandardCharsets.UTF_8);
  }

  /** The JSON as a tree (for the API's status and the watch's page). */
  JsonNode tree(ObjectMapper json) {
    try {
      return json.readTree(inflate());
    } catch (IOException e) {
      throw new UncheckedIOException("packed evidence is not JSON", e);
    }
  }

  private byte[] inflate() {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(packed);
      byte[] text = new byte[length];
      int at = 0;
      while (at < length) {
        int n = inflater.inflate(text, at, length - at);
        if (n == 0 && inflater.needsDictionary()) {
          inflater.setDictionary(DICTIONARY);
        } else if (n == 0 && (inflater.finished() || inflater.needsInput())) {
          break;
        }
        at += n;
      }
      if (at != length) {
        throw new IllegalStateException(
            "packed evidence inflated to " + at + " bytes, not " + length);
      }
      return text;
    } catch (DataFormatException e) {
      throw new IllegalStateException("packed evidence is corrupt: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  private static byte[] dictionary() {
    try (InputStream in = PackedEvidence.class.getResourceAsStream("evidence-dictionary.json")) {
      if (in == null) {
        throw new IllegalStateException("evidence-dictionary.json is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "PackedEvidence[" + packed.length + " of " + length + " bytes]";
  }
}
