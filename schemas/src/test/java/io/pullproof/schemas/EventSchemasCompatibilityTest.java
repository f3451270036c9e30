package io.pullproof.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's schema gate: it fails when a change to {@code schemas/avro} is not BACKWARD
 * compatible with the released contract kept in {@code schemas/released/v1}.
 */
class EventSchemasCompatibilityTest {
  private static final Path CURRENT = Path.of("avro");
  private static final Path RELEASED = Path.of("released", "v1");

  @Test
  void currentSchemasAreBackwardCompatibleWithTheReleasedOnes() {
    EventSchemas current = EventSchemas.load(CURRENT);
    assertThat(current.backwardIncompatibilitiesWith(EventSchemas.load(RELEASED))).isEmpty();
  }

  @Test
  void everyEventOfTheDesignHasASchema() {
    assertThat(EventSchemas.load(CURRENT).events()).containsKeys(
        "ImagePulled", "ContainerStartRequested", "StartVerdictIssued", "ContainerStartObserved", "CredentialRevoked");
  }

  @Test
  void everyFieldAndTypeCarriesADoc() {
    for (Schema event : EventSchemas.load(CURRENT).events().values()) {
      assertDocumented(event);
    }
  }

  @Test
  void aNewRequiredFieldWithoutDefaultIsCaught(@TempDir Path dir) throws IOException {
    copy(CURRENT, dir);
    Path pulled = dir.resolve("ImagePulled.avsc");
    Files.writeString(pulled, Files.readString(pulled).replace(
        "\"fields\": [",
        "\"fields\": [\n    {\"name\": \"tenant\", \"type\": \"string\", \"doc\": \"new and required\"},"));
    assertThat(EventSchemas.load(dir).backwardIncompatibilitiesWith(EventSchemas.load(RELEASED)))
        .singleElement().asString().startsWith("ImagePulled: READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void aRemovedEnumSymbolIsCaught(@TempDir Path dir) throws IOException {
    copy(CURRENT, dir);
    Path reason = dir.resolve("common").resolve("VerdictReason.avsc");
    Files.writeString(reason, Files.readString(reason).replace("\"GRANT_EXPIRED\", ", ""));
    assertThat(EventSchemas.load(dir).backwardIncompatibilitiesWith(EventSchemas.load(RELEASED)))
        .anySatisfy(p -> assertThat(p).contains("MISSING_ENUM_SYMBOLS"));
  }

  @Test
  void aFieldAddedWithADefaultIsAccepted(@TempDir Path dir) throws IOException {
    copy(CURRENT, dir);
    Path pulled = dir.resolve("ImagePulled.avsc");
    Files.writeString(pulled, Files.readString(pulled).replace(
        "\"fields\": [",
        "\"fields\": [\n    {\"name\": \"tenant\", \"type\": [\"null\", \"string\"], \"default\": null, \"doc\": \"optional\"},"));
    assertThat(EventSchemas.load(dir).backwardIncompatibilitiesWith(EventSchemas.load(RELEASED))).isEmpty();
  }

  private static void assertDocumented(Schema schema) {
    switch (schema.getType()) {
      case RECORD -> {
        assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
        for (Schema.Field field : schema.getFields()) {
          assertThat(field.doc()).as("doc of %s.%s", schema.getName(), field.name()).isNotBlank();
          assertDocumented(field.schema());
        }
      }
      case ENUM -> assertThat(schema.getDoc()).as("doc of %s", schema.getFullName()).isNotBlank();
      case UNION -> schema.getTypes().forEach(EventSchemasCompatibilityTest::assertDocumented);
      case ARRAY -> assertDocumented(schema.getElementType());
      default -> { }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
