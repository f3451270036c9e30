package io.pullproof.cli.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

  @Test
  void aServiceRunsOnItsModulesRecordedClassPath(@TempDir Path target) throws Exception {
    Path jar = target.resolve("pullproof-ledger-service.jar");
    Files.writeString(target.resolve("runtime.classpath"), "/m2/a.jar" + File.pathSeparator + "/m2/b.jar\n");
    assertThat(ServiceProcess.imageClasspath("LedgerMain", jar))
        .isEqualTo(jar + File.pathSeparator + "/m2/a.jar" + File.pathSeparator + "/m2/b.jar");
  }

  @Test
  void withoutTheRecordItFallsBackToThisJvmsClassPath(@TempDir Path target) {
    assertThat(ServiceProcess.imageClasspath("LedgerMain", target.resolve("classes")))
        .isEqualTo(System.getProperty("java.class.path"));
    assertThat(ServiceProcess.imageClasspath("LedgerMain", null)).isEqualTo(System.getProperty("java.class.path"));
  }

  @Test
  void aModuleWithoutDependenciesRunsOnItsClassesAlone(@TempDir Path target) throws Exception {
    Files.writeString(target.resolve("runtime.classpath"), "");
    assertThat(ServiceProcess.imageClasspath("Tiny", target.resolve("classes"))).isEqualTo(target.resolve("classes").toString());
  }
}
