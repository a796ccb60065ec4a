package dev.detour.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A watch's latest round evidence as it is only ever read: JSON (for the API, the pages and the
 * incident a transition writes), kept deflated. The round's objects (packets, results, lists) were
 * about 1.2 KB a watch and a third of the live heap at 100,000 watches; packed they are a few
 * hundred bytes. Packing costs one JSON write a round, which the incident of a transition reuses.
 */
final class PackedEvidence {

  /**
   * Names and phrases every round's JSON repeats: a preset dictionary lets even the first bytes of
   * a small document refer back to them (deflate's window otherwise starts empty for each watch).
   */
  private static final byte[] DICTIONARY =
      ("\"icmp\":{\"type\":0,\"code\":0,\"identifier\":,\"sequence\":},\"replies\":[{\"rttMicros\":"
              + "\"verdict\":{\"state\":\"blocked\",\"method\":\"\"timeoutsOnly\":true,\"localDns\":"
              + "{\"at\":\"2026-12-02T15:00:00Z\",\"millis\":3,\"control\":\"none\",\"addresses\":"
              + "[{\"address\":\"198.18.3.7\",\"local\":{\"id\":\"\",\"target\":\"\",\"address\":"
              + "\"\",\"name\":null,\"device\":\"eth0\",\"at\":\"2026-12-02T15:00:00Z\",\"results\":"
              + "[{\"probe\":\"tcp_syn\",\"status\":\"ok\",\"millis\":2,\"evidence\":{\"syns\":"
              + "[{\"shape\":\"bare\",\"port\":443,\"sent\":{\"nanos\":1764687600001000000,\"source\":"
              + "\"198.51.100.2\",\"destination\":\"198.18.3.7\",\"ttl\":64,\"ipId\":4242,"
              + "\"dontFragment\":true,\"tos\":0,\"length\":44,\"protocol\":6,\"tcp\":{\"sourcePort\":"
              + "41000,\"destinationPort\":443,\"flags\":\"S\",\"seq\":1000000,\"ack\":0,\"window\":"
              + "64240,\"options\":[\"mss 1460\"],\"payloadLength\":0},\"icmp\":null,\"quoted\":null,"
              + "\"tcpdump\":\"IP (tos 0x0, ttl 64, id 4242, offset 0, flags [DF], proto TCP (6), length"
              + " 44) 198.51.100.2.41000 > 198.18.3.7.443: Flags [S], seq 1000000, win 64240, options"
              + " [mss 1460], length 0\"},\"answers\":[{\"nanos\":1764687600001077000,\"source\":"
              + "\"198.18.3.7\",\"destination\":\"198.51.100.2\",\"ttl\":61,\"ipId\":0,"
              + "\"dontFragment\":true,\"tos\":0,\"length\":60,\"protocol\":6,\"tcp\":{\"sourcePort\":"
              + "443,\"destinationPort\":41000,\"flags\":\"S.\",\"seq\":1077000,\"ack\":1000001,"
              + "\"window\":65160,\"options\":[\"mss 1460\",\"sackOK\",\"TS\",\"nop\",\"wscale 7\"],"
              + "\"payloadLength\":0},\"icmp\":null,\"quoted\":null,\"tcpdump\":\"IP (tos 0x0, ttl 61, id"
              + " 0, offset 0, flags [DF], proto TCP (6), length 60) 198.18.3.7.443 > 198.51.100.2.41000:"
              + " Flags [S.], seq 1077000, ack 1000001, win 65160, options [mss 1460,sackOK,TS,nop,wscale"
              + " 7], length 0\"}],\"answer\":\"syn_ack\",\"firstAnswerMicros\":1234,\"resets\":0}]}}]},"
              + "\"verdict\":{\"state\":\"up\",\"confidence\":0.9,\"reasons\":[\"port 443: \"],"
              + "\"timeoutsOnly\":false}}],\"verdict\":{\"state\":\"up\",\"confidence\":0.9,"
              + "\"reasons\":[\"\"],\"timeoutsOnly\":false}}")
          .getBytes(StandardCharsets.UTF_8);

  private static final ThreadLocal<Deflater> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));

  private final byte[] packed;
  private final int length;

  private PackedEvidence(byte[] packed, int length) {
    this.packed = packed;
    this.length = length;
  }

  /** The round as the API writes it, deflated. */
  static PackedEvidence pack(RoundEvidence round, ObjectMapper json) {
    byte[] text;
    try {
      text = json.writeValueAsBytes(round);
    } catch (IOException e) {
      throw new UncheckedIOException("the round's evidence cannot be written as JSON", e);
    }
    Deflater deflater = DEFLATERS.get();
    deflater.reset();
    deflater.setDictionary(DICTIONARY);
    deflater.setInput(text);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 4));
    byte[] chunk = new byte[Math.max(256, text.length / 2)];
    while (!deflater.finished()) {
      int n = deflater.deflate(chunk);
      out.write(chunk, 0, n);
    }
    return new PackedEvidence(out.toByteArray(), text.length);
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

  @Override
  public String toString() {
    return "PackedEvidence[" + packed.length + " of " + length + " bytes]";
  }
}
