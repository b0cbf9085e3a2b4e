package io.switchboard.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.config.GatewayConfig.StatefulTargets;
import io.switchboard.config.GatewayConfig.Target;
import java.util.List;

/** {@code batch_target} and {@code responses_target}: each must name a configured target. */
record StatefulTargetsReader(NodeReader r) {
  StatefulTargets read(ObjectNode root, List<Target> targets) {
    return new StatefulTargets(target(root, "batch_target", targets), target(root, "responses_target", targets));
  }

  private String target(ObjectNode root, String field, List<Target> targets) {
    String id = r.string(root, field, "", false);
    if (id == null) {
      return null;
    }
    if (targets.stream().noneMatch(t -> t.id().equals(id))) {
      r.problem(field, "\"" + id + "\" names no target (expected one of: "
          + String.join(", ", targets.stream().map(Target::id).toList()) + ")");
      return null;
    }
    return id;
  }
}
