package dev.detour.watch.io;

import dev.detour.targets.TargetKind;

/**
 * What a list writer needs of a watch. The JSON format writes the whole object as the API shows it;
 * the others write these.
 */
public interface ExportedWatch {

  String target();

  TargetKind kind();

  String group();

  boolean enabled();
}
