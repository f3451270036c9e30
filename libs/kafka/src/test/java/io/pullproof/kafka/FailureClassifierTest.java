package io.pullproof.kafka;

import static io.pullproof.kafka.FailureClass.FATAL;
import static io.pullproof.kafka.FailureClass.POISON;
import static io.pullproof.kafka.FailureClass.TRANSIENT;
import static io.pullproof.kafka.FailureClassifier.classify;
import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.registry.rest.v2.beans.Error;
import io.apicurio.rest.client.auth.exception.NotAuthorizedException;
import io.pullproof.kafka.FailureClassifier.Stage;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.avro.AvroTypeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

  @Test
  void credentialsAuthorisationAndProtocolFailuresAreFatal() {
    assertThat(classify(new SaslAuthenticationException("bad password"), Stage.POLL))
        .isEqualTo(FATAL);
    assertThat(classify(new TopicAuthorizationException("denied"), Stage.HANDLE)).isEqualTo(FATAL);
    assertThat(classify(new UnsupportedVersionException("old broker"), Stage.COMMIT))
        .isEqualTo(FATAL);
    assertThat(classify(new NotAuthorizedException("registry 401"), Stage.DECODE)).isEqualTo(FATAL);
    assertThat(classify(new SQLException("password authentication failed", "28P01"), Stage.HANDLE))
        .isEqualTo(FATAL);
  }

  @Test
  void timeoutsConnectionsAndBusyDatabasesAreTransient() {
    assertThat(classify(new TimeoutException("metadata"), Stage.POLL)).isEqualTo(TRANSIENT);
    assertThat(classify(new SQLTransientConnectionException("pool exhausted"), Stage.HANDLE))
        .isEqualTo(TRANSIENT);
    assertThat(classify(new SQLException("could not serialize access", "40001"), Stage.HANDLE))
        .isEqualTo(TRANSIENT);
    assertThat(classify(new SQLException("terminating connection", "57P01"), Stage.HANDLE))
        .isEqualTo(TRANSIENT);
  }

  @Test
  void theCauseChainCountsSoAWrappedRegistryOutageIsTransientNotPoison() {
    Throwable wrapped =
        new CompletionException(
            new SerializationException("schema lookup", new ConnectException("refused")));

    assertThat(classify(wrapped, Stage.DECODE)).isEqualTo(TRANSIENT);
    assertThat(classify(new ExecutionException(new TopicAuthorizationException("x")), Stage.HANDLE))
        .isEqualTo(FATAL);
  }

  @Test
  void registryAnswersAreClassifiedByStatus() {
    assertThat(classify(registryError(null), Stage.DECODE)).isEqualTo(TRANSIENT);
    assertThat(classify(registryError(503), Stage.DECODE)).isEqualTo(TRANSIENT);
    assertThat(classify(registryError(404), Stage.DECODE)).isEqualTo(POISON);
    assertThat(classify(registryError(403), Stage.DECODE)).isEqualTo(FATAL);
    assertThat(FailureClassifier.decodeReason(registryError(404)))
        .isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
    assertThat(FailureClassifier.decodeReason(new SerializationException("Unknown magic byte!")))
        .isEqualTo(DeadLetterReason.UNDECODABLE);
  }

  @Test
  void badDataIsPoison() {
    assertThat(classify(new SerializationException("Unknown magic byte!"), Stage.DECODE))
        .isEqualTo(POISON);
    assertThat(classify(new AvroTypeException("Expected string"), Stage.DECODE)).isEqualTo(POISON);
    assertThat(classify(new SQLException("value too long", "22001"), Stage.HANDLE))
        .isEqualTo(POISON);
  }

  @Test
  void aValueCutShortIsPoisonAtDecodeButAnEndOfStreamElsewhereStaysTransient() {
    // What the Apicurio deserializer throws for a truncated Avro body (found by fuzzing).
    RuntimeException truncated = new java.io.UncheckedIOException(new java.io.EOFException());
    assertThat(FailureClassifier.classify(truncated, Stage.DECODE)).isEqualTo(FailureClass.POISON);
    assertThat(FailureClassifier.classify(new org.apache.kafka.common.errors.SerializationException("decode", truncated), Stage.DECODE))
        .isEqualTo(FailureClass.POISON);
    // A connection that ends mid-answer while polling or committing is still worth a retry.
    assertThat(FailureClassifier.classify(truncated, Stage.POLL)).isEqualTo(FailureClass.TRANSIENT);
    assertThat(FailureClassifier.classify(new java.net.ConnectException("refused"), Stage.DECODE))
        .isEqualTo(FailureClass.TRANSIENT);
  }

  @Test
  void anUnknownFailureIsPoisonWhereARecordCanBeBlamedAndFatalElsewhere() {
    RuntimeException unknown = new IllegalStateException("surprise");

    assertThat(classify(unknown, Stage.DECODE)).isEqualTo(POISON);
    assertThat(classify(unknown, Stage.HANDLE)).isEqualTo(POISON);
    assertThat(classify(unknown, Stage.POLL)).isEqualTo(FATAL);
    assertThat(classify(new KafkaException("odd"), Stage.COMMIT)).isEqualTo(FATAL);
    assertThat(classify(new KafkaException("odd"), Stage.DEAD_LETTER)).isEqualTo(FATAL);
  }

  @Test
  void anExplicitClassificationWins() {
    Throwable explicit =
        new ClassifiedException(
            TRANSIENT, "parent row not there yet", new SQLException("fk", "23503"));

    assertThat(classify(explicit, Stage.HANDLE)).isEqualTo(TRANSIENT);
  }

  @Test
  void describeNamesEveryExceptionInTheChain() {
    String text =
        FailureClassifier.describe(
            new SerializationException("schema lookup", new ConnectException("refused")));

    assertThat(text)
        .isEqualTo("SerializationException: schema lookup; caused by ConnectException: refused");
  }

  private static RestClientException registryError(Integer status) {
    Error error = new Error();
    error.setErrorCode(status);
    error.setName(status == null ? "ConnectException" : "HttpError");
    return new RestClientException(error);
  }
}
