package io.pullproof.agent.cri.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.agent.cri.api.Image;
import io.pullproof.reference.ImageReference;
import org.junit.jupiter.api.Test;

class PresentImagesTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);

  @Test
  void theManifestDigestIsTheOneListedUnderTheSameRepository() {
    Image image = Image.newBuilder().setId("sha256:" + "c".repeat(64))
        .addRepoDigests("registry.example/other@sha256:" + "b".repeat(64))
        .addRepoDigests("registry.example/team/app@" + DIGEST).build();
    assertThat(PresentImages.digestFor(image, ImageReference.parse("registry.example/team/app:1"))).contains(DIGEST);
  }

  @Test
  void dockerHubShortNamesMatchTheirNormalisedName() {
    Image image = Image.newBuilder().addRepoDigests("docker.io/library/nginx@" + DIGEST).build();
    assertThat(PresentImages.digestFor(image, ImageReference.parse("nginx:1.27"))).contains(DIGEST);
  }

  @Test
  void anImageKnownOnlyUnderOtherNamesHasNoDigestForThisOne() {
    Image image = Image.newBuilder().addRepoDigests("registry.example/other@" + DIGEST).build();
    assertThat(PresentImages.digestFor(image, ImageReference.parse("registry.example/team/app:1"))).isEmpty();
  }
}
