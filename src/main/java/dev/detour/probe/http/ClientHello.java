package dev.detour.probe.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A TLS 1.3 ClientHello shaped as a mainstream browser's (Chrome's: GREASE values, its cipher
 * suites, extensions and key shares, ALPN h2 and http/1.1), optionally with a GREASE Encrypted
 * Client Hello extension — built byte by byte, since the JDK's TLS can send neither shape. Only the
 * shape differs from the JDK's hello; the name is the same. It is sent to see whether a server
 * answers it (a ServerHello), not to finish a handshake.
 *
 * <p>The layout is fixed up to the first extensions, so a censor that matches a hello by its bytes
 * finds them at the same place every time: the record (5 bytes), the handshake header (4), the
 * version (2), the random (32), a 32-byte session id (33), 16 cipher suites (34) and no compression
 * (2), the extensions' length (2) — the first extension, a GREASE one, begins at byte {@value
 * #FIRST_EXTENSION}; in the ECH shape the ECH extension follows it, at byte {@value
 * #SECOND_EXTENSION}.
 */
public final class ClientHello {

  /** Where the first extension's type is, counted from the record's first byte. */
  public static final int FIRST_EXTENSION = 114;

  /** Where the ECH extension's type is in the ECH shape (after the empty GREASE extension). */
  public static final int SECOND_EXTENSION = FIRST_EXTENSION + 4;

  /** The Encrypted Client Hello extension's type (draft-ietf-tls-esni, as browsers send it). */
  static final int ECH = 0xfe0d;

  private static final SecureRandom RANDOM = new SecureRandom();

  private static final int[] SUITES = {
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
    0x009d, 0x002f, 0x0035
  };

  private static final int[] SIGNATURES = {
    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601
  };

  private ClientHello() {}

  /**
   * A browser-shaped hello naming {@code serverName} (none when null or an address), with a GREASE
   * ECH extension when {@code ech}.
   */
  public static byte[] browser(String serverName, boolean ech) {
    int[] grease = greaseValues();
    Bytes extensions = new Bytes();
    extensions.extension(grease[0], new byte[0]);
    if (ech) {
      extensions.extension(ECH, greaseEch());
    }
    if (serverName != null && Connector.isName(serverName)) {
      byte[] host = serverName.getBytes(StandardCharsets.US_ASCII);
      Bytes sni = new Bytes();
      sni.u16(host.length + 3).u8(0).u16(host.length).raw(host);
      extensions.extension(0x0000, sni.toArray());
    }
    extensions.extension(0x0017, new byte[0]);
    extensions.extension(0xff01, new byte[] {0});
    extensions.extension(
        0x000a, new Bytes().u16(8).u16(grease[1]).u16(0x001d).u16(0x0017).u16(0x0018).toArray());
    extensions.extension(0x000b, new byte[] {1, 0});
    extensions.extension(0x0023, new byte[0]);
    Bytes alpn = new Bytes();
    byte[] h2 = "h2".getBytes(StandardCharsets.US_ASCII);
    byte[] h1 = "http/1.1".getBytes(StandardCharsets.US_ASCII);
    alpn.u16(2 + h2.length + h1.length).u8(h2.length).raw(h2).u8(h1.length).raw(h1);
    extensions.extension(0x0010, alpn.toArray());
    extensions.extension(0x0005, new byte[] {1, 0, 0, 0, 0});
    Bytes signatures = new Bytes().u16(SIGNATURES.length * 2);
    for (int s : SIGNATURES) {
      signatures.u16(s);
    }
    extensions.extension(0x000d, signatures.toArray());
    extensions.extension(0x0012, new byte[0]);
    byte[] share = x25519();
    Bytes keyShare = new Bytes();
    keyShare.u16(5 + 4 + share.length).u16(grease[1]).u16(1).u8(0);
    keyShare.u16(0x001d).u16(share.length).raw(share);
    extensions.extension(0x0033, keyShare.toArray());
    extensions.extension(0x002d, new byte[] {1, 1});
    extensions.extension(
        0x002b, new Bytes().u8(6).u16(grease[2]).u16(0x0304).u16(0x0303).toArray());
    extensions.extension(0x001b, new byte[] {2, 0, 2});
    extensions.extension(grease[3], new byte[] {0});

    Bytes body = new Bytes();
    body.u16(0x0303).raw(random(32));
    body.u8(32).raw(random(32));
    body.u16((SUITES.length + 1) * 2).u16(grease[4]);
    for (int suite : SUITES) {
      body.u16(suite);
    }
    body.u8(1).u8(0);
    // Padding as BoringSSL adds it: a hello of 256 to 511 bytes grows to 512.
    int unpadded = 4 + body.size() + 2 + extensions.size();
    if (unpadded > 0xff && unpadded < 0x200) {
      int pad = Math.max(1, 0x200 - unpadded - 4);
      extensions.extension(0x0015, new byte[pad]);
    }
    body.u16(extensions.size()).raw(extensions.toArray());

    Bytes handshake = new Bytes().u8(1).u24(body.size()).raw(body.toArray());
    return new Bytes()
        .u8(0x16)
        .u16(0x0301)
        .u16(handshake.size())
        .raw(handshake.toArray())
        .toArray();
  }

  /**
   * Whether {@code answer} begins with a ServerHello (or a HelloRetryRequest): the hello passed.
   */
  public static boolean serverHello(byte[] answer, int length) {
    return length >= 6 && answer[0] == 0x16 && answer[5] == 0x02;
  }

  /** Whether {@code answer} begins with an alert record: the server (or someone) refused it. */
  public static boolean alert(byte[] answer, int length) {
    return length >= 1 && answer[0] == 0x15;
  }

  /** Four distinct GREASE values (RFC 8701: 0x0a0a, 0x1a1a, …, 0xfafa), and a fifth. */
  private static int[] greaseValues() {
    int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = order.length - 1; i > 0; i--) {
      int j = RANDOM.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] values = new int[5];
    for (int i = 0; i < values.length; i++) {
      int nibble = order[i];
      values[i] = (nibble << 12) | 0x0a00 | (nibble << 4) | 0x0a;
    }
    return values;
  }

  /**
   * A GREASE ECH extension as Chrome sends one where it has no ECH configuration: an outer hello
   * with HPKE suite (HKDF-SHA256, AES-128-GCM), a random config id, a 32-byte encapsulated key and
   * a random payload, all meaningless to a server — which ignores it, unless something on the way
   * reads it.
   */
  private static byte[] greaseEch() {
    Bytes ech = new Bytes();
    ech.u8(0).u16(0x0001).u16(0x0001).u8(RANDOM.nextInt(256));
    ech.u16(32).raw(random(32));
    ech.u16(176).raw(random(176));
    return ech.toArray();
  }

  private static byte[] x25519() {
    try {
      byte[] encoded =
          KeyPairGenerator.getInstance("X25519").generateKeyPair().getPublic().getEncoded();
      return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no X25519 in this JVM", e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Big-endian writing, TLS's way. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u16(int v) {
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    Bytes u24(int v) {
      out.write(v >>> 16);
      return u16(v & 0xffff);
    }

    Bytes raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    void extension(int type, byte[] data) {
      u16(type).u16(data.length).raw(data);
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}
