package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml has a comment right above it (STYLE.md §9). Inside the Kubernetes
 * objects the chart copies verbatim (security contexts, resources), the object's own comment
 * covers its fields.
 */
class ValuesDocumentationTest {
  private static final Set<String> VERBATIM_OBJECTS = Set.of("podSecurityContext", "containerSecurityContext", "resources");

  @Test
  void everyValueIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(Repository.file("charts/pullproof/values.yaml"));
    List<String> undocumented = new ArrayList<>();
    Deque<String[]> parents = new ArrayDeque<>(); // {indent, key}
    String previous = "";
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#") || text.startsWith("- ")) {
        previous = text.isEmpty() ? previous : text;
        continue;
      }
      int indent = line.length() - line.stripLeading().length();
      while (!parents.isEmpty() && Integer.parseInt(parents.peek()[0]) >= indent) {
        parents.pop();
      }
      String key = text.substring(0, text.indexOf(':'));
      boolean insideVerbatim = parents.stream().anyMatch(p -> VERBATIM_OBJECTS.contains(p[1]));
      if (!previous.startsWith("#") && !insideVerbatim) {
        undocumented.add((i + 1) + ": " + line);
      }
      parents.push(new String[] {Integer.toString(indent), key});
      previous = text;
    }
    assertThat(undocumented).as("values.yaml lines without a comment").isEmpty();
  }
}
