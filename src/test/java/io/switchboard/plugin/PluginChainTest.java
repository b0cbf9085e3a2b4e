package io.switchboard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ApiException;
import io.switchboard.api.Json;
import io.switchboard.provider.Operation;
import io.switchboard.provider.UpstreamResponse;
import io.switchboard.routing.RequestExecutor.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginChainTest {
  final List<String> log = new ArrayList<>();

  static Exchange exchange() {
    return Exchanges.chat(Json.object().put("model", "m"));
  }

  static Outcome answer(String body) {
    return new Outcome(new UpstreamResponse.Complete(Buffer.buffer(body), null), null, 1);
  }

  static String body(Future<Outcome> f) {
    return ((UpstreamResponse.Complete) f.result().response()).body().toString();
  }

  Plugin.Chain terminal = ex -> {
    log.add("upstream model=" + ex.model());
    return Future.succeededFuture(answer("{\"from\":\"upstream\"}"));
  };

  /** Logs before and after, like a plugin that wraps the call. */
  Plugin around(String name) {
    return new Plugin() {
      public String name() {
        return name;
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        log.add(name + " before");
        return next.proceed(ex).onSuccess(o -> log.add(name + " after"));
      }
    };
  }

  Plugin failing(String name, boolean failsOpen, boolean afterProceed) {
    return new Plugin() {
      public String name() {
        return name;
      }

      public boolean failsOpen() {
        return failsOpen;
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        if (!afterProceed) {
          throw new IllegalStateException("boom in " + name);
        }
        return next.proceed(ex).compose(o -> Future.failedFuture(new RuntimeException("late boom")));
      }
    };
  }

  @Test
  void beforeRunsInOrderAndAfterInReverse() {
    Future<Outcome> f = new PluginChain(List.of(around("a"), around("b"))).run(exchange(), terminal);
    assertThat(body(f)).isEqualTo("{\"from\":\"upstream\"}");
    assertThat(log).containsExactly("a before", "b before", "upstream model=m", "b after", "a after");
  }

  @Test
  void aPluginMayAnswerWithoutGoingUpstream() {
    Plugin cache = new Plugin() {
      public String name() {
        return "response-cache";
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        ex.responseHeaders().set("x-switchboard-cache", "hit");
        return Future.succeededFuture(answer("{\"from\":\"cache\"}"));
      }
    };
    Exchange ex = exchange();
    Future<Outcome> f = new PluginChain(List.of(around("a"), cache, around("c"))).run(ex, terminal);
    assertThat(body(f)).isEqualTo("{\"from\":\"cache\"}");
    assertThat(log).containsExactly("a before", "a after");
    assertThat(ex.responseHeaders().get("x-switchboard-cache")).isEqualTo("hit");
  }

  @Test
  void aDenialIsTheAnswer() {
    Plugin limiter = new Plugin() {
      public String name() {
        return "rate-limit";
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        return Future.failedFuture(new ApiException(429, "rate_limit_error", "rate_limit_exceeded", null, "slow down"));
      }
    };
    Future<Outcome> f = new PluginChain(List.of(limiter)).run(exchange(), terminal);
    assertThat(f.cause()).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    assertThat(log).isEmpty();
  }

  @Test
  void beforeRequestChangesReachTheUpstream() {
    Plugin rewrite = new Plugin() {
      public String name() {
        return "transform";
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        ex.body().put("model", "m2");
        return next.proceed(ex);
      }
    };
    new PluginChain(List.of(rewrite)).run(exchange(), terminal);
    assertThat(log).containsExactly("upstream model=m2");
  }

  @Test
  void aFailClosedPluginFaultIsA500NamingIt() {
    Future<Outcome> f = new PluginChain(List.of(failing("budget", false, false))).run(exchange(), terminal);
    assertThat(f.cause()).isInstanceOfSatisfying(ApiException.class, e -> {
      assertThat(e.status()).isEqualTo(500);
      assertThat(e.getMessage()).contains("budget plugin failed").doesNotContain("boom");
    });
    assertThat(log).isEmpty();
  }

  @Test
  void aFailOpenPluginFaultIsSkippedBeforeOrAfterProceeding() {
    Future<Outcome> before = new PluginChain(List.of(failing("request-logger", true, false))).run(exchange(), terminal);
    assertThat(body(before)).isEqualTo("{\"from\":\"upstream\"}");
    Future<Outcome> after = new PluginChain(List.of(failing("request-logger", true, true))).run(exchange(), terminal);
    assertThat(body(after)).isEqualTo("{\"from\":\"upstream\"}");
    assertThat(log).containsExactly("upstream model=m", "upstream model=m");  // one upstream call each
  }

  @Test
  void anUpstreamFailurePassesThroughUntouched() {
    ApiException upstream = new ApiException(502, "api_error", "upstream", null, "bad gateway");
    Plugin.Chain failingTerminal = ex -> Future.failedFuture(upstream);
    Future<Outcome> f = new PluginChain(List.of(around("a"), failing("budget", false, true))).run(exchange(),
        failingTerminal);
    assertThat(f.cause()).isSameAs(upstream);
  }

  @Test
  void proceedingTwiceNamesTheCulprit() {
    Plugin twice = new Plugin() {
      public String name() {
        return "twice";
      }

      public Future<Outcome> handle(Exchange ex, Chain next) {
        next.proceed(ex);
        return next.proceed(ex);
      }
    };
    Future<Outcome> f = new PluginChain(List.of(twice)).run(exchange(), terminal);
    assertThat(f.cause()).isInstanceOf(ApiException.class).hasMessageContaining("twice plugin failed");
    assertThat(log).containsExactly("upstream model=m");
  }
}
