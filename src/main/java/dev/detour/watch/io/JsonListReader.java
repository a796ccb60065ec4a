package dev.detour.watch.io;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * A JSON array of watches, as {@code GET /api/watches/export?format=json} writes it, read one
 * element at a time. The read-only fields of an export (id, kind, times) are passed over so an
 * export imports back unchanged.
 */
public final class JsonListReader implements ListReader {

  /** An export's read-only fields, and the line, which is where the entry stands, not in it. */
  @JsonIgnoreProperties(
      value = {"line", "id", "kind", "effectiveProbes", "createdAt", "updatedAt", "warnings"},
      allowSetters = false)
  private abstract static class AsExported {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addMixIn(ListEntry.class, AsExported.class)
          .build();

  @Override
  public void read(ImportInput input, ListSink sink) throws IOException {
    try (JsonParser parser = MAPPER.createParser(input.stream())) {
      JsonToken start = parser.nextToken();
      if (start == null) {
        return;
      }
      if (start != JsonToken.START_ARRAY) {
        sink.invalid(
            line(parser), null, "expected a JSON array of watches, e.g. [{\"target\": \"...\"}]");
        return;
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        int line = line(parser);
        JsonNode node = parser.readValueAsTree();
        ListEntry entry;
        try {
          entry = MAPPER.treeToValue(node, ListEntry.class);
        } catch (JsonProcessingException e) {
          sink.invalid(line, abbreviate(node.toString()), e.getOriginalMessage());
          continue;
        }
        if (entry.target() == null) {
          sink.invalid(line, abbreviate(node.toString()), "entry has no \"target\"");
          continue;
        }
        sink.entry(entry.at(line));
      }
      if (parser.currentToken() != JsonToken.END_ARRAY) {
        sink.invalid(line(parser), null, "expected a JSON object for each watch");
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      sink.invalid(line, null, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static int line(JsonParser parser) {
    return parser.currentTokenLocation().getLineNr();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
