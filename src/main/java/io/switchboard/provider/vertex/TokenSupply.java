package io.switchboard.provider.vertex;

import io.vertx.core.Future;

/** Where Vertex AI's bearer tokens come from: a service account we sign for, or Application Default Credentials. */
interface TokenSupply {
  /** A token valid for at least the next minute, or the failure as an OpenAI-shaped {@code UpstreamException}. */
  Future<String> token();
}
