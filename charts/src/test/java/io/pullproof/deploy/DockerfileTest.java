package io.pullproof.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pullproof.agent.AgentConfig;
import io.pullproof.decisionservice.DecisionConfig;
import io.pullproof.kit.config.ConfigKey;
import io.pullproof.ledger.LedgerConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Dockerfiles, read as text (no Docker engine here): multi-stage, a JRE base, a numeric
 * non-root user that matches the chart's runAsUser, an entry point that is a real main class, and
 * exposed ports equal to the services' default port settings.
 */
class DockerfileTest {
  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
  private static final Pattern ENTRYPOINT_CLASS = Pattern.compile("(?m)^ENTRYPOINT \\[.*\"([a-zA-Z0-9_.]+)\"\\]\\s*$");

  static Stream<Arguments> images() {
    return Stream.of(
        Arguments.of("services/ledger-service", List.of(LedgerConfig.HTTP_PORT, LedgerConfig.HEALTH_PORT)),
        Arguments.of("services/decision-service", List.of(DecisionConfig.HEALTH_PORT)),
        Arguments.of("services/node-agent", List.of(AgentConfig.API_PORT, AgentConfig.HEALTH_PORT)),
        Arguments.of("services/cri-proxy", List.of(AgentConfig.HEALTH_PORT)),
        Arguments.of("tools/cli", List.<ConfigKey<Integer>>of()));
  }

  @ParameterizedTest
  @MethodSource("images")
  void multiStageNonRootJreImageOfThisModule(String module, List<ConfigKey<Integer>> ports) throws Exception {
    String text = Files.readString(Repository.file(module + "/Dockerfile"));
    List<String[]> stages = new ArrayList<>();
    Matcher from = FROM.matcher(text);
    while (from.find()) {
      stages.add(new String[] {from.group(1), from.group(2)});
    }
    assertThat(stages).as("%s: build stage and run stage", module).hasSizeGreaterThanOrEqualTo(2);
    assertThat(stages.get(0)[1]).as("build stage name").isEqualTo("build");
    String runBase = stages.get(stages.size() - 1)[0];
    assertThat(runBase).as("%s run stage: a JRE, pinned", module).contains("-jre").doesNotContain(":latest").matches(".+:[0-9].*");
    assertThat(text).as("the build stage builds this module and only what it needs")
        .contains("bash services/image-jars.sh " + module + " /app/lib");
    assertThat(Files.readString(Repository.file("services/image-jars.sh"))).contains("-pl \"$module\" -am package");
    assertThat(text).contains("COPY --from=build ");

    String runStage = text.substring(text.lastIndexOf("\nFROM "));
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)\\s*$").matcher(runStage);
    assertThat(user.find()).as("%s: a numeric USER (runAsNonRoot can only verify numbers)", module).isTrue();
    assertThat(Integer.parseInt(user.group(1))).isEqualTo(chartRunAsUser()).isPositive();
    assertThat(runStage.indexOf("\nUSER ")).as("USER comes before the entry point").isLessThan(runStage.indexOf("\nENTRYPOINT "));

    Matcher entry = ENTRYPOINT_CLASS.matcher(runStage);
    assertThat(entry.find()).as("%s ENTRYPOINT", module).isTrue();
    Method main = Class.forName(entry.group(1)).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).isTrue();

    List<Integer> exposed = new ArrayList<>();
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(runStage);
    while (expose.find()) {
      for (String port : expose.group(1).trim().split("\\s+")) {
        exposed.add(Integer.parseInt(port));
      }
    }
    assertThat(exposed).as("%s EXPOSE = the default ports", module)
        .containsExactlyInAnyOrderElementsOf(ports.stream().map(k -> Integer.parseInt(k.defaultValue())).toList());
  }

  @Test
  void buildContextLeavesOutBuildOutputAndLocalState() throws IOException {
    List<String> ignored = Files.readAllLines(Repository.file(".dockerignore"));
    assertThat(ignored).contains("**/target/", ".git/", ".pullproof/");
  }

  private static int chartRunAsUser() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(Repository.file("charts/pullproof/values.yaml").toFile())
        .at("/podSecurityContext/runAsUser").asInt();
  }
}
