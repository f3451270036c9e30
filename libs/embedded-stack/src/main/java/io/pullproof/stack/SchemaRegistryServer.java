package io.pullproof.stack;

import io.pullproof.stack.process.ChildProcess;
import io.pullproof.stack.process.FreePort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real Apicurio Registry 2.6 (Confluent-compatible API under {@code /apis/ccompat/v7}) run as
 * a child JVM from the distribution Maven resolved (docs/adr/0002). Its storage is H2 in a file
 * under {@code dir}, so schema ids survive a restart of the dev stack, as the Kafka data does.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final ChildProcess process;
  private final int port;

  private SchemaRegistryServer(ChildProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  public static SchemaRegistryServer start(Path dir) {
    return start(dir, FreePort.pick());
  }

  public static SchemaRegistryServer start(Path dir, int port) {
    try {
      Files.createDirectories(dir);
      Path runner = unpackedDistribution();
      List<String> jvm = List.of("-Xms128m", "-Xmx512m",
          "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
          "-Dquarkus.log.level=WARN", "-Dquarkus.log.category.\"io.quarkus\".level=INFO");
      Map<String, String> env = Map.of(
          "REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dir.toAbsolutePath().resolve("registry-db") + ";DB_CLOSE_ON_EXIT=FALSE");
      ChildProcess child = ChildProcess.start("schema-registry",
          JavaLauncher.command(jvm, List.of("-jar", runner.toString())),
          runner.getParent(), env, dir.resolve("schema-registry.log"));
      SchemaRegistryServer server = new SchemaRegistryServer(child, port);
      child.awaitReady(START_TIMEOUT, server::answers);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the schema registry in " + dir, e);
    }
  }

  /** Base URL, e.g. http://127.0.0.1:8081 (Apicurio API under /apis/registry/v2). */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The Confluent-compatible API root. */
  public String ccompatUrl() {
    return url() + "/apis/ccompat/v7";
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  @Override
  public void close() {
    process.close();
  }

  private boolean answers() {
    if (!FreePort.isListening(port)) {
      return false;
    }
    try {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Unpacks the distribution zip once into the user's cache (150 MB; not into the repo) and
   * returns the runner jar. A marker file makes a half-finished unpack start over.
   */
  static Path unpackedDistribution() throws IOException {
    Properties dist = new Properties();
    try (InputStream in = SchemaRegistryServer.class.getResourceAsStream("dist.properties")) {
      dist.load(in);
    }
    String version = dist.getProperty("apicurio.version");
    Path zip = Path.of(dist.getProperty("apicurio.zip"));
    Path target = cacheDir().resolve("apicurio-registry-" + version);
    Path runner = target.resolve("apicurio-registry-app-" + version + "-runner.jar");
    Path complete = target.resolve(".unpacked");
    if (Files.exists(complete)) {
      return runner;
    }
    if (!Files.exists(zip)) {
      throw new IllegalStateException("the schema registry distribution is missing at " + zip
          + ": run `mvn -pl libs/embedded-stack install` (it downloads it) or ./pullproof, which builds first");
    }
    Files.createDirectories(target);
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry escapes the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Files.writeString(complete, version);
    return runner;
  }

  static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("pullproof");
  }
}
