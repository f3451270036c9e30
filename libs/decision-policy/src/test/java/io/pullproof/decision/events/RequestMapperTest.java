package io.pullproof.decision.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.StartRequest;
import io.pullproof.events.ContainerStartRequested;
import io.pullproof.events.CredentialIdentity;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.PullPolicy;
import io.pullproof.events.SecretRef;
import io.pullproof.events.ServiceAccountRef;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMapperTest {
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");

  private static ContainerStartRequested.Builder request() {
    return ContainerStartRequested.newBuilder().setEventId("req-1").setOccurredAt(NOW)
        .setNode(new NodeRef("c1", "n1")).setPod(new PodRef("team", "app-0", "pod-uid")).setContainer("app")
        .setImage("registry.io/team/app:1").setName("registry.io/team/app").setImageRef(null)
        .setPullPolicy(PullPolicy.IF_NOT_PRESENT).setReplySlice(0);
  }

  @Test
  void nodeIsKeyedClusterSlashNodeAndSecretsKeepKeyringOrder() {
    StartRequest mapped = RequestMapper.toStartRequest(request()
        .setImageRef("sha256:" + "0".repeat(64))
        .setSecrets(List.of(
            CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash("h2").setSecret(new SecretRef("team", "b", "u2")).build(),
            CredentialIdentity.newBuilder().setKind(CredentialKind.ANONYMOUS).build(),
            CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash("h1").setSecret(new SecretRef("team", "a", "u1")).build()))
        .setServiceAccount(new ServiceAccountRef("team", "default", "sa-uid"))
        .setNodeCredentialHash("node-hash").build(), NOW);

    assertThat(mapped.node()).isEqualTo("c1/n1");
    assertThat(mapped.imageName()).isEqualTo("registry.io/team/app");
    assertThat(mapped.podNamespace()).isEqualTo("team");
    assertThat(mapped.secrets()).extracting(s -> s.ref().name()).containsExactly("b", "a");
    assertThat(mapped.serviceAccount()).isEqualTo(new ObjectRef("team", "default", "sa-uid"));
    assertThat(mapped.nodeCredentialHash()).isEqualTo("node-hash");
    assertThat(mapped.now()).isEqualTo(NOW);
  }

  @Test
  void absentImageBecomesAnEmptyReference() {
    assertThat(RequestMapper.toStartRequest(request().build(), NOW).imagePresent()).isFalse();
  }

  @Test
  void secretCredentialWithoutCoordinatesIsNamed() {
    assertThatThrownBy(() -> RequestMapper.toStartRequest(request()
        .setSecrets(List.of(CredentialIdentity.newBuilder().setKind(CredentialKind.SECRET).setHash("h").build())).build(), NOW))
        .hasMessage("secrets[0].secret is missing for a SECRET credential");
  }
}
