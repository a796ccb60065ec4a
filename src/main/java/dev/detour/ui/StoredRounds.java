package dev.detour.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.state.RoundEvidence;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Rounds and censor traces as they were stored (an incident's, a watch's latest round), read back
 * into the records their probes made. A field an older or newer version wrote is passed over: a
 * stored round always shows what can be read of it.
 */
@ApplicationScoped
public class StoredRounds {

  private static final Logger LOG = Logger.getLogger(StoredRounds.class);

  private final ObjectMapper json;

  public StoredRounds(ObjectMapper json) {
    this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** The round, or null without one (or when it cannot be read at all). */
  public RoundEvidence round(JsonNode round) {
    if (round == null || round.isNull() || round.isMissingNode()) {
      return null;
    }
    try {
      return json.treeToValue(round, RoundEvidence.class);
    } catch (IOException | IllegalArgumentException e) {
      LOG.debugf("A stored round cannot be read back: %s", e.getMessage());
      return null;
    }
  }

  /** The round in a JSON text, or null. */
  public RoundEvidence round(String text) {
    return text == null ? null : round(tree(text));
  }

  /** A censor's location in a JSON text, or null. */
  public CensorLocation censor(String text) {
    JsonNode tree = text == null ? null : tree(text);
    if (tree == null) {
      return null;
    }
    try {
      return json.treeToValue(tree, CensorLocation.class);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private JsonNode tree(String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }
}
