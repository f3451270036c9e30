package io.pullproof.ledger.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * Checks a response against the document the service serves, with Vert.x's OpenAPI validator: status
 * listed for the operation, content type and body schema.
 *
 * <p>vertx-openapi 5.0.5 refuses contracts with media types outside its fixed list, which lacks
 * {@code application/problem+json} and {@code application/yaml}; the check renames those two to
 * {@code application/json} and {@code text/plain} in the contract and in the response alike, so the
 * schemas are still checked byte for byte.
 */
final class ContractCheck implements AutoCloseable {
  private static final String PROBLEM = "application/problem+json";
  private static final String YAML = "application/yaml";
  private final Vertx vertx = Vertx.vertx();
  private final OpenAPIContract contract;
  private final ResponseValidator validator;

  ContractCheck(String openApiYaml) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("ledger-openapi", ".yaml");
    java.nio.file.Files.writeString(file, openApiYaml.replace(PROBLEM, "application/json").replace(YAML, "text/plain"));
    contract = OpenAPIContract.from(vertx, file.toString()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    validator = ResponseValidator.create(vertx, contract);
  }

  /** Throws when {@code response} does not match {@code operationId}'s declared responses. */
  void check(String operationId, HttpResponse<String> response) throws Exception {
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    if (PROBLEM.equals(contentType)) {
      contentType = "application/json";
    } else if (YAML.equals(contentType)) {
      contentType = "text/plain";
    }
    ValidatableResponse validatable = ValidatableResponse.create(response.statusCode(), Buffer.buffer(response.body()), contentType);
    try {
      validator.validate(validatable, operationId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(operationId + " " + response.statusCode() + " does not match /openapi.yaml: "
          + e.getCause().getMessage() + "\nbody: " + response.body(), e.getCause());
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
