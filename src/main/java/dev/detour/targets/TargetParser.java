package dev.detour.targets;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns what a user wrote into a {@link Target}: validates it, normalises it and says what it
 * changed. Thread-safe; every importer and the API go through it so a target is spelt one way.
 */
@ApplicationScoped
public class TargetParser {

  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9./]+");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");
  private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");
  private static final int MAX_INPUT = 2048;

  /**
   * Strict: no inet_aton shorthands, no ranges, no zones, no "all" or empty addresses. Every
   * address Detour reads from a user goes through these (watches, pins, routes).
   */
  public static final IPAddressStringParameters STRICT =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowSingleSegment(false)
          .allowPrefixOnly(false)
          .allowMask(false)
          .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
          .getIPv4AddressParametersBuilder()
          .allow_inet_aton(false)
          .allowLeadingZeros(false)
          .getParentBuilder()
          .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .getParentBuilder()
          .toParams();

  private final int minPrefixV4;
  private final int minPrefixV6;

  @Inject
  public TargetParser(TargetConfig config) {
    this(config.minPrefixIpv4(), config.minPrefixIpv6());
  }

  public TargetParser(int minPrefixV4, int minPrefixV6) {
    this.minPrefixV4 = minPrefixV4;
    this.minPrefixV6 = minPrefixV6;
  }

  /** Parses one target; the exception's message is meant for the user who wrote it. */
  public ParsedTarget parse(String raw) throws InvalidTargetException {
    if (raw == null || raw.isBlank()) {
      throw new InvalidTargetException(
          "target is empty: give a host name, an address or a prefix, e.g. 149.154.164.0/22");
    }
    if (raw.length() > MAX_INPUT) {
      throw new InvalidTargetException(
          "target is " + raw.length() + " characters long; a host name has at most 253");
    }
    String text = raw.strip();
    List<String> warnings = new ArrayList<>(1);
    if (text.contains("://")) {
      URI uri = url(text);
      ParsedTarget host = parseBare(hostOfUrl(uri, text, warnings), warnings);
      return uri.getPort() < 0
          ? host
          : new ParsedTarget(host.target(), host.warnings(), uri.getPort());
    }
    return parseBare(text, warnings);
  }

  private ParsedTarget parseBare(String text, List<String> warnings) throws InvalidTargetException {
    if (text.indexOf(':') >= 0) {
      return ip(text, text, warnings);
    }
    if (IPV4_LIKE.matcher(text).matches()) {
      checkIpv4Shape(text);
      return ip(text, text, warnings);
    }
    return host(text, warnings);
  }

  private static URI url(String text) throws InvalidTargetException {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidTargetException(
          "'" + text + "' looks like a URL but is not one (" + e.getReason() + ")");
    }
  }

  private static String hostOfUrl(URI uri, String text, List<String> warnings)
      throws InvalidTargetException {
    String host = uri.getHost();
    if (host == null) {
      throw new InvalidTargetException("URL '" + text + "' names no host");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    warnings.add("URL '" + text + "' is watched as its host " + host);
    return host;
  }

  /** Gives a precise reason for the common IPv4 typos before the library's generic one. */
  private static void checkIpv4Shape(String text) throws InvalidTargetException {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4) {
      throw new InvalidTargetException(
          "'" + text + "' is not an IPv4 address: it needs four numbers separated by dots");
    }
    for (String octet : octets) {
      if (octet.isEmpty()) {
        throw new InvalidTargetException("'" + text + "' has an empty IPv4 octet");
      }
      if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
        throw new InvalidTargetException(octet + " is not an IPv4 octet (0-255) in '" + text + "'");
      }
      if (octet.length() > 1 && octet.charAt(0) == '0') {
        throw new InvalidTargetException(
            "octet "
                + octet
                + " in '"
                + text
                + "' has a leading zero, which some tools read as octal; write it without");
      }
    }
    if (slash >= 0) {
      String length = text.substring(slash + 1);
      if (length.isEmpty() || length.contains("/") || length.contains(".")) {
        throw new InvalidTargetException(
            "'" + text + "' has no valid prefix length after '/': write e.g. /24");
      }
      if (length.length() > 3 || Integer.parseInt(length) > 32) {
        throw new InvalidTargetException(
            "prefix length " + length + " is out of range for IPv4 (0-32) in '" + text + "'");
      }
    }
  }

  private ParsedTarget ip(String text, String original, List<String> warnings)
      throws InvalidTargetException {
    IPAddress address;
    try {
      address = new IPAddressString(text, STRICT).toAddress();
    } catch (AddressStringException e) {
      throw new InvalidTargetException(
          "'" + original + "' is not a valid IP address or prefix: " + describe(e));
    }
    Integer prefix = address.getNetworkPrefixLength();
    int bits = address.getBitCount();
    if (prefix == null || prefix == bits) {
      IPAddress single = address.withoutPrefixLength();
      return new ParsedTarget(
          new Target(TargetKind.ADDRESS, single.toCanonicalString()), List.copyOf(warnings));
    }
    int min = address.isIPv4() ? minPrefixV4 : minPrefixV6;
    if (prefix < min) {
      throw new InvalidTargetException(
          "prefix /"
              + prefix
              + " in '"
              + original
              + "' covers too much: a watch may be at most a /"
              + min
              + " (detour.watch.min-prefix-"
              + (address.isIPv4() ? "ipv4" : "ipv6")
              + ")");
    }
    IPAddress network = address.toPrefixBlock();
    String canonical = network.toCanonicalString();
    if (!address
        .getLower()
        .withoutPrefixLength()
        .equals(network.getLower().withoutPrefixLength())) {
      warnings.add(
          "host bits set: '"
              + original
              + "' is watched as the prefix "
              + canonical
              + " it lies in");
    }
    return new ParsedTarget(new Target(TargetKind.PREFIX, canonical), List.copyOf(warnings));
  }

  private static String describe(AddressStringException e) {
    String message = e.getMessage();
    int colon = message.indexOf(':');
    // The library prefixes its messages with "IP Address error:"; the user wants the reason.
    return (colon >= 0 && message.startsWith("IP Address error")
            ? message.substring(colon + 1)
            : message)
        .strip();
  }

  private static ParsedTarget host(String text, List<String> warnings)
      throws InvalidTargetException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        throw new InvalidTargetException(
            "host name '" + text + "' contains a space: write one name per entry");
      }
      if (Character.isISOControl(c)) {
        throw new InvalidTargetException("host name contains a control character at " + (i + 1));
      }
    }
    String name = text.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.startsWith("*.")) {
      name = name.substring(2);
      warnings.add("wildcard '" + text + "' is watched as " + name);
    }
    if (name.startsWith(".") || name.contains("..")) {
      throw new InvalidTargetException("host name '" + text + "' has an empty label ('..')");
    }
    String ascii;
    try {
      ascii = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).contains("too long")) {
        throw new InvalidTargetException(
            "a label of '" + text + "' is longer than the 63 characters DNS allows");
      }
      throw new InvalidTargetException(
          "'" + text + "' is not a valid internationalised host name: " + e.getMessage());
    }
    if (!ascii.equals(name)) {
      warnings.add("'" + text + "' is watched as its ASCII (punycode) form " + ascii);
    }
    if (ascii.length() > 253) {
      throw new InvalidTargetException(
          "host name is " + ascii.length() + " characters long; DNS allows at most 253");
    }
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2) {
      throw new InvalidTargetException(
          "'" + text + "' is not a full host name: add its domain, e.g. " + ascii + ".org");
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        throw new InvalidTargetException("host name '" + text + "' has an empty label ('..')");
      }
      if (label.length() > 63) {
        throw new InvalidTargetException(
            "label '" + label + "' of '" + text + "' is longer than the 63 characters DNS allows");
      }
      if (!LABEL.matcher(label).matches()) {
        throw new InvalidTargetException(
            "label '"
                + label
                + "' of '"
                + text
                + "' may hold only letters, digits, '-' and '_', and must not start or end with"
                + " '-'");
      }
    }
    if (ALL_DIGITS.matcher(labels[labels.length - 1]).matches()) {
      throw new InvalidTargetException(
          "'" + text + "' is neither an IPv4 address nor a host name (its last label is numeric)");
    }
    return new ParsedTarget(new Target(TargetKind.HOST, ascii), List.copyOf(warnings));
  }
}
