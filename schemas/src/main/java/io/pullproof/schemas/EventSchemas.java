package io.pullproof.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Loads a directory of .avsc files laid out as {@code schemas/avro} is (shared types under
 * {@code common/}, events at the top) and checks one set against another with Avro's own
 * reader/writer rules. BACKWARD compatible = consumers built on the new schemas read every
 * event written with the released ones, which is what a rolling upgrade needs (consumers first).
 */
public final class EventSchemas {
  /** Shared types in dependency order: a type must be parsed before the types that name it. */
  static final List<String> COMMON_ORDER = List.of(
      "NodeRef", "PodRef", "SecretRef", "ServiceAccountRef", "CredentialKind", "CredentialIdentity",
      "PullPolicy", "Verdict", "VerdictReason");

  private final Map<String, Schema> events;

  private EventSchemas(Map<String, Schema> events) {
    this.events = events;
  }

  /** Parses {@code dir/common/*.avsc} in dependency order, then every {@code dir/*.avsc} event. */
  public static EventSchemas load(Path dir) {
    Schema.Parser parser = new Schema.Parser();
    try {
      for (String common : COMMON_ORDER) {
        parser.parse(dir.resolve("common").resolve(common + ".avsc").toFile());
      }
      Map<String, Schema> events = new LinkedHashMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
          Schema schema = parser.parse(file.toFile());
          events.put(schema.getName(), schema);
        }
      }
      return new EventSchemas(events);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schemas in " + dir, e);
    }
  }

  public Map<String, Schema> events() {
    return events;
  }

  /**
   * Every problem that makes {@code this} (the new schemas) not BACKWARD compatible with
   * {@code released}: a released event that disappeared, or one the new reader cannot read.
   */
  public List<String> backwardIncompatibilitiesWith(EventSchemas released) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Schema> old : released.events.entrySet()) {
      Schema current = events.get(old.getKey());
      if (current == null) {
        problems.add(old.getKey() + ": removed, but events written with the released schema still exist");
        continue;
      }
      SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, old.getValue());
      if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        result.getResult().getIncompatibilities().forEach(i -> problems.add(
            old.getKey() + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")"));
      }
    }
    return problems;
  }
}
