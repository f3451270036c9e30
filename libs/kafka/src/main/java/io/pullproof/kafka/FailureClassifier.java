package io.pullproof.kafka;

import io.apicurio.registry.rest.client.exception.RestClientException;
import io.apicurio.rest.client.auth.exception.ForbiddenException;
import io.apicurio.rest.client.auth.exception.NotAuthorizedException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one place that decides whether a failure is {@link FailureClass#FATAL}, {@link
 * FailureClass#POISON} or {@link FailureClass#TRANSIENT} (after Kafka's {@code Consumer} Javadoc,
 * Debezium's {@code ErrorHandler} and Strimzi's {@code BackOff}).
 *
 * <p>The whole cause chain counts, because libraries wrap: a {@code SerializationException} caused
 * by a refused connection to the registry is transient, not poison. Precedence: an explicit {@link
 * ClassifiedException}, then fatal, then (at decode) a value cut short, then transient, then poison; an exception nobody recognises is
 * poison where a single record can be blamed ({@link Stage#DECODE}, {@link Stage#HANDLE}) and fatal
 * elsewhere, because skipping an unknown poll or commit failure would skip records.
 */
public final class FailureClassifier {

  /** Where a failure happened; decides what an unrecognised exception means. */
  public enum Stage {
    /** {@code Consumer.poll}, including rebalance callbacks. */
    POLL,
    /** Running the value deserializer on one record. */
    DECODE,
    /** The batch handler. */
    HANDLE,
    /** Sending to the dead-letter topic. */
    DEAD_LETTER,
    /** {@code Consumer.commitSync}. */
    COMMIT,
    /** The assignment hook reading start positions. */
    ASSIGN
  }

  private static final int MAX_CHAIN = 32;

  /** Credentials, authorisation, protocol, configuration, and JVM errors. */
  private static final List<Class<? extends Throwable>> FATAL_TYPES =
      List.of(
          AuthenticationException.class,
          AuthorizationException.class,
          UnsupportedVersionException.class,
          InvalidConfigurationException.class,
          ConfigException.class,
          ProducerFencedException.class,
          FencedInstanceIdException.class,
          NotAuthorizedException.class,
          ForbiddenException.class,
          SQLInvalidAuthorizationSpecException.class,
          Error.class);

  /** Failures that clear up by themselves; interrupts and cancellations mean "not now". */
  private static final List<Class<? extends Throwable>> TRANSIENT_TYPES =
      List.of(
          RetriableException.class,
          CommitFailedException.class,
          RebalanceInProgressException.class,
          TimeoutException.class,
          IOException.class,
          SQLTransientException.class,
          SQLRecoverableException.class,
          RejectedExecutionException.class,
          InterruptedException.class,
          InterruptException.class,
          CancellationException.class);

  /** Bad bytes or bad data. */
  private static final List<Class<? extends Throwable>> POISON_TYPES =
      List.of(
          SerializationException.class,
          AvroRuntimeException.class,
          BufferUnderflowException.class,
          SQLDataException.class,
          SQLIntegrityConstraintViolationException.class);

  /** SQLState classes and codes that clear up by themselves (PostgreSQL appendix A). */
  private static final List<String> TRANSIENT_SQL_STATES =
      List.of("08", "40", "53", "57P01", "57P02", "57P03", "55P03");

  /** SQLStates that need a human: bad credentials, missing privilege, wrong database. */
  private static final List<String> FATAL_SQL_STATES = List.of("28", "42501", "3D000");

  /** SQLState classes of bad data: data exception, integrity constraint violation. */
  private static final List<String> POISON_SQL_STATES = List.of("22", "23");

  private FailureClassifier() {}

  /** Classifies {@code error} as seen at {@code stage}. */
  public static FailureClass classify(Throwable error, Stage stage) {
    List<Throwable> chain = causeChain(error);
    for (Throwable t : chain) {
      if (t instanceof ClassifiedException classified) {
        return classified.failureClass();
      }
    }
    if (chain.stream().anyMatch(FailureClassifier::isFatal)) {
      return FailureClass.FATAL;
    }
    if (stage == Stage.DECODE && chain.stream().anyMatch(t -> t instanceof EOFException)) {
      // The value ended before its schema said it would: bad bytes, not a bad connection (the
      // deserializer reads an in-memory array; found by fuzzing, it used to be retried forever).
      return FailureClass.POISON;
    }
    if (chain.stream().anyMatch(FailureClassifier::isTransient)) {
      return FailureClass.TRANSIENT;
    }
    if (chain.stream().anyMatch(FailureClassifier::isPoison)) {
      return FailureClass.POISON;
    }
    return stage == Stage.DECODE || stage == Stage.HANDLE
        ? FailureClass.POISON
        : FailureClass.FATAL;
  }

  /** The dead-letter reason for a value the deserializer rejected as poison. */
  public static DeadLetterReason decodeReason(Throwable error) {
    for (Throwable t : causeChain(error)) {
      if (registryStatus(t) == 404) {
        return DeadLetterReason.UNKNOWN_SCHEMA;
      }
    }
    return DeadLetterReason.UNDECODABLE;
  }

  /**
   * A one-line description for logs and the {@code pullproof.dlq.detail} header: each distinct
   * exception type and message in the chain, outermost first.
   */
  public static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t : causeChain(error)) {
      String message = t.getMessage();
      if (t instanceof RestClientException rest && rest.getError() != null) {
        message = rest.getError().getErrorCode() + " " + rest.getError().getName() + " " + message;
      }
      text.append(text.length() == 0 ? "" : "; caused by ")
          .append(t.getClass().getSimpleName())
          .append(message == null ? "" : ": " + message);
    }
    return text.toString();
  }

  private static boolean isFatal(Throwable t) {
    int status = registryStatus(t);
    return instanceOfAny(t, FATAL_TYPES)
        || status == 401
        || status == 403
        || sqlStateIn(t, FATAL_SQL_STATES);
  }

  private static boolean isTransient(Throwable t) {
    int status = registryStatus(t);
    return instanceOfAny(t, TRANSIENT_TYPES)
        || sqlStateIn(t, TRANSIENT_SQL_STATES)
        // The registry client reports a refused connection without a status or a cause.
        || t instanceof RestClientException && (status == 0 || status == 429 || status >= 500);
  }

  private static boolean isPoison(Throwable t) {
    int status = registryStatus(t);
    return instanceOfAny(t, POISON_TYPES)
        || sqlStateIn(t, POISON_SQL_STATES)
        || status >= 400 && status < 500;
  }

  private static boolean instanceOfAny(Throwable t, List<Class<? extends Throwable>> types) {
    return types.stream().anyMatch(type -> type.isInstance(t));
  }

  /** HTTP status of a registry client error, 0 when there was no response (connection). */
  private static int registryStatus(Throwable t) {
    if (t instanceof RestClientException rest) {
      Integer code = rest.getError() == null ? null : rest.getError().getErrorCode();
      return code == null ? 0 : code;
    }
    return -1;
  }

  private static boolean sqlStateIn(Throwable t, List<String> prefixes) {
    if (!(t instanceof SQLException sql) || sql.getSQLState() == null) {
      return false;
    }
    return prefixes.stream().anyMatch(sql.getSQLState()::startsWith);
  }

  private static List<Throwable> causeChain(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = error;
        t != null && chain.size() < MAX_CHAIN && seen.add(t);
        t = t.getCause()) {
      boolean wrapper =
          (t instanceof CompletionException || t instanceof ExecutionException)
              && t.getCause() != null;
      if (!wrapper) {
        chain.add(t);
      }
    }
    return chain;
  }
}
