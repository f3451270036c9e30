package io.pullproof.cli.stack;

import io.pullproof.stack.Stack;
import io.pullproof.stack.StackState;
import java.io.PrintStream;

/** The endpoint listing {@code stack up} and {@code stack run} print: what a developer copies into a config. */
final class StackPrinter {
  private StackPrinter() {}

  static void print(StackState state, PrintStream out) {
    out.println("stack: up (data in " + state.dataDir() + ")");
    out.println("  Kafka bootstrap     " + state.kafkaBootstrap());
    out.println("  Schema registry     " + state.schemaRegistryUrl() + "  (Confluent API: " + state.schemaRegistryUrl() + "/apis/ccompat/v7)");
    out.println("  PostgreSQL          " + state.postgresJdbcUrl());
    out.println("  OCI registry        https://" + state.ociRegistry() + "  (token auth; realm " + state.tokenRealm() + ")");
    out.println("  Registry CA         " + state.caCertificate());
    out.println("  Registry truststore " + state.truststore() + "  (PKCS12, password " + state.truststorePassword() + ")");
    out.println("  Registry users      " + state.registryAccessFile() + "  (admin user: " + Stack.REGISTRY_ADMIN + ")");
    out.println("Stop it with: ./pullproof stack down" + ("".equals(state.dataDir()) ? "" : " --data-dir " + state.dataDir()));
  }
}
