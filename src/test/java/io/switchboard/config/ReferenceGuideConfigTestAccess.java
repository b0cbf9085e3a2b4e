package io.switchboard.config;

import java.io.IOException;
import java.util.List;

/** Lets tests in other packages read the reference guide's YAML blocks. */
public final class ReferenceGuideConfigTestAccess {
  private ReferenceGuideConfigTestAccess() {}

  public static List<String> yamlBlocks() throws IOException {
    return ReferenceGuideConfigTest.yamlBlocks();
  }
}
