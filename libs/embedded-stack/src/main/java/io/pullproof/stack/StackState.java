package io.pullproof.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * What a running dev stack tells other commands ({@code stack status}, {@code stack down}, the
 * demo): endpoints, the PIDs we started, and the ports to reuse. Written atomically to
 * {@code DATA_DIR/stack.json}. Holds no secrets except the path to the registry's access file.
 *
 * @param supervisorPid the JVM that owns every server below; stopping it stops them all
 * @param status        STARTING, UP or STOPPED
 */
public record StackState(
    String dataDir,
    long supervisorPid,
    String status,
    String kafkaBootstrap,
    String schemaRegistryUrl,
    String postgresJdbcUrl,
    String ociRegistry,
    String tokenRealm,
    String truststore,
    String truststorePassword,
    String caCertificate,
    String registryAccessFile,
    StackPorts ports,
    Map<String, Long> pids) {

  public static final String FILE = "stack.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static Optional<StackState> read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), StackState.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (delete it if the stack is down): " + e.getMessage(), e);
    }
  }

  public void write() {
    Path file = Path.of(dataDir).resolve(FILE);
    try {
      Path tmp = file.resolveSibling(FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public StackState withStatus(String newStatus) {
    return new StackState(dataDir, supervisorPid, newStatus, kafkaBootstrap, schemaRegistryUrl, postgresJdbcUrl,
        ociRegistry, tokenRealm, truststore, truststorePassword, caCertificate, registryAccessFile, ports, pids);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
