package io.pullproof.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The decision bench's child JVMs (service and echo) get the same flags, plus any diagnosis flags. */
class ChildJvmFlagsTest {

  @Test
  void extraFlagsFollowTheDefaultsSplitOnWhitespace() {
    assertThat(DecisionBenchCommand.childJvmFlags("  -Xlog:gc:file=/tmp/gc-%p.log \t -XX:+AlwaysPreTouch "))
        .containsExactly("-Xmx2g", "-XX:+UseG1GC", "-Xlog:gc:file=/tmp/gc-%p.log", "-XX:+AlwaysPreTouch");
  }

  @Test
  void withoutExtraFlagsOnlyTheDefaults() {
    assertThat(DecisionBenchCommand.childJvmFlags(null)).containsExactly("-Xmx2g", "-XX:+UseG1GC");
    assertThat(DecisionBenchCommand.childJvmFlags(" ")).containsExactly("-Xmx2g", "-XX:+UseG1GC");
  }
}
