package dev.detour.system;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Random secrets and their hashes. Passwords: PBKDF2-HMAC-SHA256 with a random salt, stored as
 * {@code pbkdf2-sha256$iterations$salt$hash}. Tokens and session ids are 256 random bits, so a
 * plain SHA-256 of them is as good as a slow hash.
 */
public final class Secrets {

  static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private Secrets() {}

  /**
   * A secret given in the configuration, directly or (better) as a file whose first line it is; the
   * file wins. {@code key} names the setting in the error.
   */
  public static Optional<String> configured(
      String key, Optional<String> value, Optional<Path> file) {
    if (file.isPresent()) {
      try {
        return Optional.of(
            Files.readString(file.get(), StandardCharsets.UTF_8).lines().findFirst().orElse(""));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            key + "-file: cannot read " + file.get() + " (" + e + ")");
      }
    }
    return value;
  }

  /** What a secret is replaced with in a text that is logged or shown. */
  public static final String MASK = "***";

  /** Secrets shorter than this are not masked: replacing "ab" everywhere would garble the text. */
  private static final int SHORTEST_MASKED = 4;

  /**
   * Where a URL points, safe to log and show: scheme, host and port. Its user info, path and query
   * are left out — they may hold a password or a token (a Slack webhook's path is its secret).
   */
  public static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  /**
   * A configured URL as it may be shown: as given but without its user info ({@code
   * https://user:password@host/} shows as {@code https://host/}); one that does not parse is not
   * shown at all.
   */
  public static String withoutUserInfo(String url) {
    try {
      URI uri = URI.create(url.strip());
      if (uri.getRawUserInfo() == null) {
        return uri.toString();
      }
      return new URI(
              uri.getScheme(),
              null,
              uri.getHost(),
              uri.getPort(),
              uri.getPath(),
              uri.getQuery(),
              uri.getFragment())
          .toString();
    } catch (IllegalArgumentException | java.net.URISyntaxException e) {
      return "(a URL that does not parse)";
    }
  }

  /**
   * The parts of a URL that may be a credential, for {@link #mask}: its user info, and with {@code
   * path} (a URL that is itself the secret, as a Slack webhook's) its path, its last segment, its
   * query and the query's values.
   */
  public static List<String> secretParts(URI uri, boolean path) {
    List<String> parts = new ArrayList<>();
    parts.add(uri.getRawUserInfo());
    parts.add(uri.getUserInfo());
    if (path) {
      for (String p : new String[] {uri.getRawPath(), uri.getPath()}) {
        if (p != null && !p.isEmpty() && !p.equals("/")) {
          parts.add(p);
          tokenLike(parts, p.substring(p.lastIndexOf('/') + 1));
        }
      }
      for (String q : new String[] {uri.getRawQuery(), uri.getQuery()}) {
        if (q != null) {
          parts.add(q);
          for (String pair : q.split("&")) {
            tokenLike(parts, pair.substring(pair.indexOf('=') + 1));
          }
        }
      }
    }
    return parts.stream().filter(p -> p != null && !p.isEmpty()).distinct().toList();
  }

  /** A piece of a URL long enough to be a token (a word such as "hooks" or "detour" is not). */
  private static void tokenLike(List<String> parts, String piece) {
    if (piece.length() >= 8) {
      parts.add(piece);
    }
  }

  /**
   * {@code text} with every one of {@code secrets} — as given and URL-encoded — replaced by {@value
   * #MASK}: for texts that come from elsewhere (a receiver's or a router's error answer may echo
   * the request, token and all) before they are logged, stored or shown.
   */
  public static String mask(String text, Collection<String> secrets) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    Set<String> forms = new LinkedHashSet<>();
    for (String s : secrets) {
      if (s != null && s.length() >= SHORTEST_MASKED) {
        forms.add(s);
        forms.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
      }
    }
    String masked = text;
    // Longest first: a secret that contains another is masked whole.
    for (String f :
        forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      masked = masked.replace(f, MASK);
    }
    return masked;
  }

  /** {@code bytes} random bytes, base64url without padding. */
  public static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b);
  }

  /** A password a person can type: 20 characters from a set without look-alikes. */
  public static String password() {
    String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String hashPassword(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return "pbkdf2-sha256$"
        + ITERATIONS
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(pbkdf2(password, salt, ITERATIONS));
  }

  /** Whether {@code password} matches {@code stored}; false for anything malformed. */
  public static boolean verifyPassword(String password, String stored) {
    if (password == null || stored == null) {
      return false;
    }
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
      return false;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] expected = B64D.decode(parts[3]);
      byte[] actual = pbkdf2(password, B64D.decode(parts[2]), iterations);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Compares two strings in time independent of where they differ. */
  public static boolean same(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
