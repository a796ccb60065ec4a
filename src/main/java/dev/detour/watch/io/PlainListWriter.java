package dev.detour.watch.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Plain list export: what the plain importer reads back. */
final class PlainListWriter implements ListWriter {

  private final Writer out;
  private String group;

  PlainListWriter(OutputStream out) {
    this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
  }

  @Override
  public void begin() throws IOException {
    out.write("# Detour watch list\n");
  }

  @Override
  public void write(ExportedWatch watch) throws IOException {
    if (!watch.group().equals(group)) {
      group = watch.group();
      out.write("# group " + group + "\n");
    }
    out.write(watch.target());
    out.write('\n');
  }

  @Override
  public void end() throws IOException {
    out.flush();
  }
}
