package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file only; starting the registry is OciRegistryIT's job. */
class OciRegistryTest {
  @Test
  void configBindsToLoopbackWithTlsAndQuotesEveryPath(@TempDir Path dir) {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir.resolve("tls"));
    Path oddWorkDir = dir.resolve("with \"quote\" and: colon");

    String yaml = OciRegistry.configYaml(oddWorkDir, 5123, tls, "htpasswd", Map.of("realm", "pullproof"));

    assertThat(yaml)
        .contains("  addr: \"127.0.0.1:5123\"\n")
        .contains("    rootdirectory: \"" + oddWorkDir.toAbsolutePath().toString().replace("\"", "\\\"") + "/storage\"\n")
        .contains("    certificate: \"" + tls.certificatePem().toAbsolutePath() + "\"\n")
        .contains("  delete:\n    enabled: true\n")
        .contains("health:\n  storagedriver:\n    enabled: false\n")
        .endsWith("auth:\n  htpasswd:\n    realm: \"pullproof\"\n");
    assertThat(yaml).containsPattern("secret: \"[0-9a-f]{64}\"");
  }
}
