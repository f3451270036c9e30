package io.pullproof.agent.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.kit.config.ConfigSource;
import io.pullproof.kit.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CriProxyConfigTest {
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PULLPROOF_CLUSTER", "c");
    env.put("PULLPROOF_NODE_NAME", "n");
    env.put("PULLPROOF_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    env.put("PULLPROOF_SCHEMA_REGISTRY_URL", "http://127.0.0.1:8080");
    env.put("PULLPROOF_FLEET_KEY_ID", "k");
    env.put("PULLPROOF_FLEET_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    return env;
  }

  @Test
  void defaultsPointAtContainerdsSocket() {
    CriProxyConfig config = CriProxyConfig.from(ConfigSource.of(env()));
    assertThat(config.runtimeSocket()).isEqualTo(Path.of("/run/containerd/containerd.sock"));
    assertThat(config.listenSocket()).isEqualTo(Path.of("/run/pullproof/cri.sock"));
    assertThat(config.agent().node()).isEqualTo("n");
  }

  @Test
  void theProxyMayNotListenOnTheRuntimesSocket() {
    Map<String, String> env = env();
    env.put("PULLPROOF_CRI_LISTEN_SOCKET", "/run/containerd/containerd.sock");
    assertThatThrownBy(() -> CriProxyConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("PULLPROOF_CRI_LISTEN_SOCKET='/run/containerd/containerd.sock'");
  }

  @Test
  void aRelativeSocketPathIsRefusedNamingTheKey() {
    Map<String, String> env = env();
    env.put("PULLPROOF_CRI_RUNTIME_SOCKET", "containerd.sock");
    assertThatThrownBy(() -> CriProxyConfig.from(ConfigSource.of(env))).isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("PULLPROOF_CRI_RUNTIME_SOCKET").hasMessageContaining("absolute");
  }
}
