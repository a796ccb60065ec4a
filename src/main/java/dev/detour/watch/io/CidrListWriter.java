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
 * The watched addresses and prefixes in CIDR notation, one per line and nothing else (an address as
 * a /32 or /128): what ipset, BIRD, a firewall's address list or a {@code cidr.txt} consumer reads,
 * where a comment line would be an error. Host watches are left out: their addresses are the
 * resolver's answer of the moment, not part of the list. The plain importer reads it back.
 */
final class CidrListWriter implements ListWriter {

  private final Writer out;

  CidrListWriter(OutputStream out) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  @Override
  public void begin() {}

  @Override
  public void write(ExportedWatch watch) throws IOException {
    if (watch.kind() == TargetKind.HOST) {
      return;
    }
    out.write(watch.target());
    if (watch.kind() == TargetKind.ADDRESS) {
      out.write(Addresses.isV6(watch.target()) ? "/128" : "/32");
    }
    out.write('\n');
  }

  @Override
  public void end() throws IOException {
    out.flush();
  }
}
