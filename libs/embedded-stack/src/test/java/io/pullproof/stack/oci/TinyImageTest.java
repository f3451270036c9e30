package io.pullproof.stack.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TinyImageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void manifestNamesConfigAndLayerByDigestAndSize() throws IOException {
    TinyImage image = TinyImage.of("team-a/app", "v1");

    JsonNode manifest = JSON.readTree(image.manifest().content());

    assertThat(manifest.path("mediaType").asText()).isEqualTo(TinyImage.MANIFEST_TYPE);
    assertThat(manifest.path("config").path("digest").asText()).isEqualTo(image.config().digest());
    assertThat(manifest.path("layers").get(0).path("digest").asText()).isEqualTo(image.layer().digest());
    assertThat(manifest.path("layers").get(0).path("size").asLong()).isEqualTo(image.layer().size());
    assertThat(image.manifest().digest()).isEqualTo(TinyImage.sha256(image.manifest().content()));
  }

  @Test
  void layerIsATarWhoseFileNamesRepositoryAndTag() throws IOException {
    TinyImage image = TinyImage.of("team-a/app", "v1");

    byte[] tar = new GZIPInputStream(new ByteArrayInputStream(image.layer().content())).readAllBytes();

    assertThat(tar.length % 512).isZero();
    assertThat(new String(tar, 0, TinyImage.FILE_NAME.length(), StandardCharsets.US_ASCII)).isEqualTo(TinyImage.FILE_NAME);
    assertThat(new String(tar, 512, 512, StandardCharsets.UTF_8)).startsWith("pullproof test image team-a/app:v1\n");
    assertThat(JSON.readTree(image.config().content()).path("rootfs").path("diff_ids").get(0).asText())
        .isEqualTo(TinyImage.sha256(tar));
  }

  @Test
  void tarHeaderChecksumMatchesItsBytes() {
    byte[] header = Arrays.copyOf(TinyImage.tarWithOneFile("f", new byte[] {1}), 512);
    int stored = Integer.parseInt(new String(header, 148, 6, StandardCharsets.US_ASCII), 8);
    Arrays.fill(header, 148, 156, (byte) ' ');

    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }

    assertThat(stored).isEqualTo(sum);
  }

  @Test
  void sameInputGivesSameDigestsAndOtherTagOthers() {
    assertThat(TinyImage.of("a", "v1").manifest().digest()).isEqualTo(TinyImage.of("a", "v1").manifest().digest());
    assertThat(TinyImage.of("a", "v2").manifest().digest()).isNotEqualTo(TinyImage.of("a", "v1").manifest().digest());
  }
}
