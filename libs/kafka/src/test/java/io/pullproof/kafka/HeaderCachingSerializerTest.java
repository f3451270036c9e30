package io.pullproof.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.events.NodeRef;
import io.pullproof.events.PodRef;
import io.pullproof.events.StartVerdictIssued;
import io.pullproof.events.Verdict;
import io.pullproof.events.VerdictReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

class HeaderCachingSerializerTest {
  private static final byte[] HEADER = {0, 0, 0, 0, 42};

  /** Stands in for the registry-backed serializer: frames plain Avro with a fixed content id. */
  private static final class FramingStub implements Serializer<StartVerdictIssued> {
    int calls;

    @Override
    public byte[] serialize(String topic, StartVerdictIssued data) {
      calls++;
      return framed(data);
    }
  }

  private static byte[] framed(StartVerdictIssued verdict) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(HEADER);
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<>(StartVerdictIssued.getClassSchema()).write(verdict, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StartVerdictIssued verdict(String id, VerdictReason reason) {
    return StartVerdictIssued.newBuilder().setEventId("v-" + id).setRequestId(id).setOccurredAt(Instant.EPOCH)
        .setNode(new NodeRef("c1", "n1")).setPod(new PodRef("ns", "pod", "uid")).setContainer("app")
        .setName("registry.io/team/app").setVerdict(Verdict.REPULL).setReason(reason).setPolicy("AlwaysVerify")
        .setDecidedBy("d1").build();
  }

  @Test
  void laterRecordsReuseTheFirstRecordsHeaderAndMatchTheDelegatesBytes() {
    FramingStub stub = new FramingStub();
    HeaderCachingSerializer<StartVerdictIssued> serializer =
        new HeaderCachingSerializer<>(stub, StartVerdictIssued.getClassSchema());

    StartVerdictIssued first = verdict("r1", VerdictReason.NO_RECORD);
    StartVerdictIssued second = verdict("r2", VerdictReason.REVOKED);
    assertThat(serializer.serialize("verdicts", first)).isEqualTo(framed(first));
    assertThat(serializer.serialize("verdicts", second)).isEqualTo(framed(second));
    assertThat(stub.calls).isEqualTo(1);
  }
}
