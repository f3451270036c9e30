package io.pullproof.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.kit.config.InvalidConfigException;
import io.pullproof.ledger.model.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokensTest {
  @Test
  void theHashIsWhatSha256sumPrints() {
    // printf %s secret | sha256sum
    assertThat(BearerTokens.hash("secret")).isEqualTo("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
  }

  @Test
  void tokensFromFileAndInlineAuthenticateWithTheirRole(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# ops team\nalice admin " + BearerTokens.hash("a-token") + "\n\n");
    BearerTokens tokens = BearerTokens.load(Optional.of(file), "bob reader " + BearerTokens.hash("b-token"), "FILE", "INLINE");
    assertThat(tokens.authenticate("a-token")).contains(new BearerTokens.Caller("alice", Role.ADMIN));
    assertThat(tokens.authenticate("b-token")).contains(new BearerTokens.Caller("bob", Role.READER));
    assertThat(tokens.authenticate("c-token")).isEmpty();
    assertThat(tokens.authenticate("")).isEmpty();
  }

  @Test
  void aMalformedEntryIsRejectedNamingWhereItIs() {
    assertThatThrownBy(() -> BearerTokens.load(Optional.empty(), "alice admin plaintext-token", "FILE", "PULLPROOF_LEDGER_TOKENS"))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("PULLPROOF_LEDGER_TOKENS entry 1")
        .hasMessageNotContaining("plaintext-token");
    assertThatThrownBy(() -> BearerTokens.load(Optional.empty(), "alice root " + "a".repeat(64), "FILE", "INLINE"))
        .hasMessageContaining("must be one of reader, auditor, admin");
  }

  @Test
  void rolesIncludeTheLowerOnes() {
    assertThat(Role.ADMIN.includes(Role.AUDITOR)).isTrue();
    assertThat(Role.AUDITOR.includes(Role.READER)).isTrue();
    assertThat(Role.READER.includes(Role.AUDITOR)).isFalse();
  }
}
