package io.pullproof.kafka;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A batch handler that records every call and answers as the test scripts it. */
final class ScriptedHandler implements BatchHandler<String> {

  private final List<ConsumedBatch<String>> calls = new CopyOnWriteArrayList<>();
  private volatile Function<ConsumedBatch<String>, CompletionStage<BatchResult>> script;

  ScriptedHandler() {
    this(batch -> CompletableFuture.completedFuture(BatchResult.allHandled()));
  }

  ScriptedHandler(Function<ConsumedBatch<String>, CompletionStage<BatchResult>> script) {
    this.script = script;
  }

  @Override
  public CompletionStage<BatchResult> handle(ConsumedBatch<String> batch) {
    calls.add(batch);
    return script.apply(batch);
  }

  void answer(Function<ConsumedBatch<String>, CompletionStage<BatchResult>> script) {
    this.script = script;
  }

  List<ConsumedBatch<String>> calls() {
    return calls;
  }

  /** The values of each call, in call order. */
  List<List<String>> valuesPerCall() {
    return calls.stream()
        .map(batch -> batch.records().stream().map(ConsumedRecord::value).toList())
        .toList();
  }
}
