package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

/** Named chains of targets, for the strategies that route to a configured list. */
final class Chains {
  private Chains() {}

  /** The eligible candidates whose target is in {@code ids}, in the order of {@code ids}. */
  static List<Candidate> select(List<String> ids, List<Candidate> eligible) {
    List<Candidate> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      for (Candidate c : eligible) {
        if (c.target().id().equals(id)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /**
   * The matched chain when any of it serves the request, else the default chain, else every eligible
   * target in configured order (so a request the rules did not foresee is still served).
   */
  static List<Candidate> orDefault(List<String> matched, List<String> defaults, List<Candidate> eligible) {
    if (matched != null) {
      List<Candidate> chosen = select(matched, eligible);
      if (!chosen.isEmpty()) {
        return chosen;
      }
    }
    List<Candidate> fallback = select(defaults, eligible);
    return fallback.isEmpty() ? eligible : fallback;
  }

  /**
   * Ferro's named choice: the matched chain, else the default chain, else the first target; only the chosen
   * targets that serve the request, possibly none (then the model is not found).
   */
  static List<Candidate> exclusive(List<String> matched, List<String> defaults, String firstTarget,
      List<Candidate> eligible) {
    List<String> chosen = matched != null ? matched : !defaults.isEmpty() ? defaults
        : firstTarget == null ? List.of() : List.of(firstTarget);
    return select(chosen, eligible);
  }
}
