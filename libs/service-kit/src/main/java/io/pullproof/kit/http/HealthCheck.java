package io.pullproof.kit.http;

/** One readiness condition, e.g. "postgres reachable" or "consumer loop running". */
public interface HealthCheck {
  String name();

  /** Empty when healthy; otherwise why not, for the /health/ready body. */
  java.util.Optional<String> problem();

  static HealthCheck of(String name, java.util.function.Supplier<java.util.Optional<String>> check) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public java.util.Optional<String> problem() {
        return check.get();
      }
    };
  }
}
