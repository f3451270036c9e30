package io.pullproof.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerConfigTest {
  private static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("PULLPROOF_KAFKA_BOOTSTRAP", "kafka:9092");
    env.put("PULLPROOF_SCHEMA_REGISTRY_URL", "http://registry:8080");
    env.put("PULLPROOF_LEDGER_DB_URL", "jdbc:postgresql://db:5432/ledger");
    env.put("PULLPROOF_LEDGER_DB_PASSWORD", "hunter2");
    env.put("PULLPROOF_LEDGER_TOKENS", "ops admin " + "a".repeat(64));
    return env;
  }

  @Test
  void defaultsFillEverythingButTheEssentials() {
    LedgerConfig config = LedgerConfig.from(ConfigSource.of(minimal()));
    assertThat(config.topics().pulls()).isEqualTo("pullproof.pulls");
    assertThat(config.maxPollRecords()).isEqualTo(5000);
    assertThat(config.database().schema()).isEqualTo("ledger");
    assertThat(config.httpPort()).isEqualTo(8080);
  }

  @Test
  void secretsNeverAppearInToString() {
    String text = LedgerConfig.from(ConfigSource.of(minimal())).toString();
    assertThat(text).doesNotContain("hunter2").doesNotContain("aaaa");
  }

  @Test
  void badValuesFailNamingKeyAndValue() {
    Map<String, String> env = minimal();
    env.put("PULLPROOF_LEDGER_HTTP_PORT", "80000");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env)))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("PULLPROOF_LEDGER_HTTP_PORT='80000'");
  }

  @Test
  void missingEssentialIsNamed() {
    Map<String, String> env = minimal();
    env.remove("PULLPROOF_LEDGER_DB_URL");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env))).hasMessageContaining("PULLPROOF_LEDGER_DB_URL is required");
  }

  @Test
  void tlsNeedsCertificateAndKeyTogether() {
    Map<String, String> env = minimal();
    env.put("PULLPROOF_LEDGER_TLS_CERT", "/etc/ledger/tls.crt");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env))).hasMessageContaining("PULLPROOF_LEDGER_TLS_KEY");
  }

  @Test
  void everyIngestConsumerNeedsAConnectionAndTheApiOneMore() {
    Map<String, String> env = minimal();
    assertThat(LedgerConfig.from(ConfigSource.of(env)).ingestConsumers()).isEqualTo(2);
    env.put("PULLPROOF_LEDGER_INGEST_CONSUMERS", "4");
    env.put("PULLPROOF_LEDGER_DB_POOL_SIZE", "4");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env)))
        .hasMessageContaining("PULLPROOF_LEDGER_DB_POOL_SIZE=4 must exceed PULLPROOF_LEDGER_INGEST_CONSUMERS=4");
    env.put("PULLPROOF_LEDGER_INGEST_CONSUMERS", "0");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env))).hasMessageContaining("PULLPROOF_LEDGER_INGEST_CONSUMERS='0'");
  }

  @Test
  void aServiceWithoutTokensDoesNotStart() {
    Map<String, String> env = minimal();
    env.remove("PULLPROOF_LEDGER_TOKENS");
    assertThatThrownBy(() -> LedgerConfig.from(ConfigSource.of(env))).hasMessageContaining("no API tokens");
  }
}
