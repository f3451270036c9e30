package io.pullproof.cli.decide;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullproof.cli.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, strict access to one JSON input file. Every problem becomes a {@link BadInputException}
 * whose message names the file, the field as a path ({@code grants[2].secret.uid}) and the bad
 * value; unknown fields are rejected so a misspelt optional field is not silently ignored.
 */
final class JsonInput {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String file;
  private final JsonNode root;

  private JsonInput(String file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  /** Reads {@code path}, which must hold one JSON object. */
  static JsonInput read(Path path) {
    String file = path.toString();
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such file");
    } catch (JsonParseException e) {
      throw new BadInputException(file + ": not valid JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
    }
    JsonInput input = new JsonInput(file, root);
    if (root == null || !root.isObject()) {
      throw input.bad("", "the document must be a JSON object");
    }
    return input;
  }

  JsonNode root() {
    return root;
  }

  BadInputException bad(String path, String problem) {
    return new BadInputException(file + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
  }

  BadInputException bad(String path, JsonNode value, String problem) {
    return bad(path, value + " " + problem);
  }

  /** Rejects fields of {@code object} that are not {@code allowed}. */
  void allowOnly(JsonNode object, String path, Set<String> allowed) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw bad(child(path, name), "unknown field (allowed here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  JsonNode object(JsonNode parent, String path, String field) {
    JsonNode value = present(parent, path, field);
    if (!value.isObject()) {
      throw bad(child(path, field), value, "is not an object");
    }
    return value;
  }

  /** The object, or {@code null} when the field is absent or JSON null. */
  JsonNode optionalObject(JsonNode parent, String path, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : object(parent, path, field);
  }

  /** A string; empty only when {@code mayBeEmpty}. */
  String text(JsonNode parent, String path, String field, boolean mayBeEmpty) {
    JsonNode value = present(parent, path, field);
    if (!value.isTextual()) {
      throw bad(child(path, field), value, "is not a string");
    }
    if (!mayBeEmpty && value.asText().isEmpty()) {
      throw bad(child(path, field), "must not be empty");
    }
    return value.asText();
  }

  /** A non-empty string, or {@code null} when the field is absent or JSON null. */
  String optionalText(JsonNode parent, String path, String field) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : text(parent, path, field, true);
  }

  Instant instant(JsonNode parent, String path, String field) {
    String text = text(parent, path, field, false);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw bad(child(path, field), parent.get(field), "is not an ISO-8601 instant such as 2026-11-22T00:00:00Z");
    }
  }

  /** A positive whole number, or {@code null} when absent. */
  Long optionalPositiveLong(JsonNode parent, String path, String field) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() <= 0) {
      throw bad(child(path, field), value, "is not a positive whole number");
    }
    return value.asLong();
  }

  /** Maps each element of the array {@code field}; the mapper gets the element and its path. */
  <T> List<T> list(JsonNode parent, String path, String field, Element<T> mapper) {
    JsonNode value = present(parent, path, field);
    return list(value, child(path, field), mapper);
  }

  /** Like {@link #list(JsonNode, String, String, Element)}, {@code null} when the field is absent. */
  <T> List<T> optionalList(JsonNode parent, String path, String field, Element<T> mapper) {
    JsonNode value = parent.get(field);
    return value == null || value.isNull() ? null : list(value, child(path, field), mapper);
  }

  private <T> List<T> list(JsonNode value, String arrayPath, Element<T> mapper) {
    if (!value.isArray()) {
      throw bad(arrayPath, value, "is not an array");
    }
    List<T> mapped = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      mapped.add(mapper.map(value.get(i), arrayPath + "[" + i + "]"));
    }
    return mapped;
  }

  static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private JsonNode present(JsonNode parent, String path, String field) {
    JsonNode value = parent.get(field);
    if (value == null || value.isNull()) {
      throw bad(child(path, field), "missing");
    }
    return value;
  }

  /** Maps one array element, given with its path. */
  @FunctionalInterface
  interface Element<T> {
    T map(JsonNode element, String path);
  }
}
