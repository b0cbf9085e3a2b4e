package io.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.auth.ClientAuth.Verdict;
import io.switchboard.config.Secret;
import org.junit.jupiter.api.Test;

class ClientAuthTest {
  private final ClientAuth auth = ClientAuth.of(new Secret("sk-master-0123456789"));

  @Test
  void theKeyComesAsABearerTokenOrAnApiKeyHeader() {
    assertThat(auth.check("Bearer sk-master-0123456789", null)).isEqualTo(Verdict.ALLOWED);
    assertThat(auth.check("bearer  sk-master-0123456789 ", null)).isEqualTo(Verdict.ALLOWED);
    assertThat(auth.check(null, "sk-master-0123456789")).isEqualTo(Verdict.ALLOWED);
    assertThat(auth.check("Basic dXNlcjpwYXNz", "sk-master-0123456789")).isEqualTo(Verdict.ALLOWED);
  }

  @Test
  void missingAndWrongKeysAreToldApart() {
    assertThat(auth.check(null, null)).isEqualTo(Verdict.MISSING);
    assertThat(auth.check("Bearer ", " ")).isEqualTo(Verdict.MISSING);
    assertThat(auth.check("Bearer sk-master-012345678", null)).isEqualTo(Verdict.INVALID);
    assertThat(auth.check("Bearer sk-master-01234567890", null)).isEqualTo(Verdict.INVALID);
    assertThat(auth.check("sk-master-0123456789", null)).as("no scheme").isEqualTo(Verdict.MISSING);
  }

  @Test
  void noKeyConfiguredMeansNoAuthenticator() {
    assertThat(ClientAuth.of(null)).isNull();
  }
}
