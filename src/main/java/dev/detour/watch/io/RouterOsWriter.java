package dev.detour.watch.io;

import dev.detour.targets.Addresses;
import dev.detour.targets.TargetKind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A RouterOS script routing each watched address or prefix through {@code gateway}, in the seed's
 * shape ({@code add comment=telegram distance=1 dst-address=149.154.164.0/22 gateway=gre-tunnel1}).
 * The router importer reads it back with the comment as group.
 */
final class RouterOsWriter implements ListWriter {

  private final Writer out;
  private final String gateway;
  private String menu;

  RouterOsWriter(OutputStream out, String gateway) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
    this.gateway = gateway;
  }

  @Override
  public void begin() throws IOException {
    out.write("# Detour watch list as RouterOS routes via " + gateway + "\n");
  }

  @Override
  public void write(ExportedWatch watch) throws IOException {
    if (watch.kind() == TargetKind.HOST) {
      out.write("# " + watch.group() + ": host " + watch.target() + " (route its addresses)\n");
      return;
    }
    boolean v6 = Addresses.isV6(watch.target());
    String wanted = v6 ? "/ipv6 route" : "/ip route";
    if (!wanted.equals(menu)) {
      menu = wanted;
      out.write(menu + "\n");
    }
    String dst =
        watch.kind() == TargetKind.ADDRESS
            ? watch.target() + (v6 ? "/128" : "/32")
            : watch.target();
    out.write(
        "add comment="
            + quote(watch.group())
            + " distance=1 dst-address="
            + dst
            + " gateway="
            + quote(gateway)
            + (watch.enabled() ? "" : " disabled=yes")
            + "\n");
  }

  @Override
  public void end() throws IOException {
    out.flush();
  }

  static String quote(String value) {
    if (value.matches("[A-Za-z0-9._:/-]+")) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$") + '"';
  }
}
