package dev.detour.ui;

import io.quarkus.qute.TemplateGlobal;
import java.util.List;

/** Fixed choices the pages offer: states, kinds of target, export formats. */
@TemplateGlobal
public final class UiGlobals {

  private UiGlobals() {}

  static final List<String> states = List.of("blocked", "up", "down", "unknown");
  static final List<String> targetKinds = List.of("host", "address", "prefix");
  static final List<String> exportFormats = List.of("plain", "cidr", "routeros", "json");
}
