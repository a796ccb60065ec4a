package dev.detour.ui;

import dev.detour.watch.io.ExportFormat;
import io.quarkus.qute.TemplateGlobal;
import java.util.Arrays;
import java.util.List;

/** Fixed choices the pages offer: states, kinds of target, export formats. */
@TemplateGlobal
public final class UiGlobals {

  private UiGlobals() {}

  /** A watch's states, as incidents record them. */
  static final List<String> states = List.of("blocked", "up", "down", "unknown");

  /** The watch list's state filter: a state, or "disabled" (not probed, whatever it was). */
  static final List<String> listStates = List.of("blocked", "up", "down", "unknown", "disabled");

  static final List<String> targetKinds = List.of("host", "address", "prefix");

  /** The watch list's orders. */
  static final List<WatchListing.Sort> sorts = List.of(WatchListing.Sort.values());

  /** Every format the export answers, so a link can never name one it does not know. */
  static final List<String> exportFormats =
      Arrays.stream(ExportFormat.values()).map(ExportFormat::label).toList();
}
