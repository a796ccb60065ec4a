package dev.detour.watch.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;

/** JSON export: an array of watches written element by element. */
final class JsonListWriter implements ListWriter {

  private final ObjectMapper mapper;
  private final JsonGenerator json;

  JsonListWriter(OutputStream out, ObjectMapper mapper) {
    this.mapper = mapper;
    try {
      this.json = mapper.getFactory().createGenerator(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void begin() throws IOException {
    json.writeStartArray();
  }

  @Override
  public void write(ExportedWatch watch) throws IOException {
    mapper.writeValue(json, watch);
  }

  @Override
  public void end() throws IOException {
    json.writeEndArray();
    json.flush();
  }
}
