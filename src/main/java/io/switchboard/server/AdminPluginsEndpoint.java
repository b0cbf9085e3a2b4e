package io.switchboard.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.config.GatewayConfig;
import io.vertx.core.buffer.Buffer;

/**
 * {@code GET /admin/plugins}: the configured plugins as Ferro's admin API lists them ({@code name}, {@code type},
 * {@code enabled}, and here {@code stage}), in config order, disabled ones included. Read-only, and answered
 * only to the master key: a gateway without one has no admin API. A plugin's config is never shown (it may
 * hold a Redis password or a store DSN).
 */
final class AdminPluginsEndpoint {
  static final String PATH = "/admin/plugins";

  private final Buffer list;

  AdminPluginsEndpoint(GatewayConfig config) {
    ArrayNode plugins = Json.MAPPER.createArrayNode();
    for (GatewayConfig.Plugin p : config.plugins()) {
      plugins.addObject().put("name", p.name()).put("type", p.type()).put("stage", p.stage())
          .put("enabled", p.enabled());
    }
    this.list = Json.buffer(plugins);
  }

  /** The answer, already encoded: the list does not change while the gateway runs. */
  Buffer list() {
    return list;
  }

  /** The answer when the gateway authenticates nobody: the admin API needs a key to check. */
  static ApiException noMasterKey() {
    return new ApiException(401, "invalid_request_error", "admin_api_disabled", null,
        "The admin API needs a master key: start the gateway with MASTER_KEY set and send it as "
            + "'Authorization: Bearer <key>'.");
  }
}
