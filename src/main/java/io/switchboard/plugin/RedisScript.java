package io.switchboard.plugin;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * A Lua script the shared-state plugins (rate limits, cache, budgets) run in Redis for their atomic
 * read-modify-write steps. It is sent by its SHA-1 and only sent whole when Redis has lost it (a restart, a
 * {@code SCRIPT FLUSH}), which also loads it again.
 */
public record RedisScript(String source, String sha) {
  public static RedisScript of(String source) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return new RedisScript(source, HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  /** {@code SCRIPT LOAD}: at startup, so that a Redis that cannot run it is noticed before any request. */
  public Request load() {
    return Request.cmd(Command.SCRIPT).arg("LOAD").arg(source);
  }

  /**
   * Runs the script: {@code arguments} appends the key count, the keys and the arguments, in that order, to
   * the request (it is called twice when Redis had lost the script).
   */
  public Future<Response> run(Redis client, Consumer<Request> arguments) {
    Request bySha = Request.cmd(Command.EVALSHA).arg(sha);
    arguments.accept(bySha);
    return client.send(bySha).recover(t -> {
      if (t.getMessage() == null || !t.getMessage().startsWith("NOSCRIPT")) {
        return Future.failedFuture(t);
      }
      Request whole = Request.cmd(Command.EVAL).arg(source);
      arguments.accept(whole);
      return client.send(whole);
    });
  }
}
