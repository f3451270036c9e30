package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fuzzing finding "a 1 GiB string length is allocated before it is read", as a unit test. */
class AvroLimitsTest {

  @BeforeAll
  static void install() {
    AvroLimits.install();
  }

  private static BinaryDecoder decoderOf(long length, byte[] tail) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    encoder.writeLong(length);
    encoder.writeFixed(tail);
    encoder.flush();
    byte[] bytes = out.toByteArray();
    return DecoderFactory.get().binaryDecoder(bytes, 0, bytes.length, null);
  }

  @Test
  void aStringLengthBeyondTheLimitFailsBeforeAnythingIsAllocated() throws Exception {
    BinaryDecoder decoder = decoderOf(1L << 30, new byte[] {'x'});
    assertThatThrownBy(() -> decoder.readString(null)).isInstanceOf(SystemLimitException.class);
    assertThat(FailureClassifier.classify(new SystemLimitException("too long"), FailureClassifier.Stage.DECODE))
        .isEqualTo(FailureClass.POISON);
  }

  @Test
  void bytesAndCollectionsAreBoundedToo() throws Exception {
    BinaryDecoder bytes = decoderOf(1L << 30, new byte[] {1});
    assertThatThrownBy(() -> bytes.readBytes(null)).isInstanceOf(SystemLimitException.class);
    BinaryDecoder array = decoderOf(1L << 30, new byte[] {1});
    assertThatThrownBy(array::readArrayStart).isInstanceOf(SystemLimitException.class);
  }

  @Test
  void stringsOfRealEventSizesStillDecode() throws Exception {
    byte[] text = "registry.example.com/team-a/app@sha256:0123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(decoderOf(text.length, text).readString(null).toString()).isEqualTo("registry.example.com/team-a/app@sha256:0123");
  }

  @Test
  void theLimitsAreTheSystemPropertiesAvroReads() {
    // Set unless the command line set them (-Dorg.apache.avro.limits...), which install() leaves alone.
    assertThat(System.getProperty("org.apache.avro.limits.string.maxLength"))
        .isEqualTo(Integer.toString(AvroLimits.MAX_STRING_BYTES));
  }
}
