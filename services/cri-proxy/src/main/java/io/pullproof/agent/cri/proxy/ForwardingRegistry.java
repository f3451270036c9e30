package io.pullproof.agent.cri.proxy;

import io.grpc.Channel;
import io.grpc.HandlerRegistry;
import io.grpc.ServerMethodDefinition;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Serves every method name the kubelet calls: hooked methods through their {@link UnaryHook},
 * every other one (known to our proto or not, unary or streaming, any service) passed through as
 * bytes. Nothing is listed up front, so a CRI method added upstream later works unchanged.
 */
public final class ForwardingRegistry extends HandlerRegistry {
  private static final int MAX_CACHED = 512;

  private final PassThrough passThrough;
  private final Map<String, HookedUnary> hooked;
  private final Map<String, ServerMethodDefinition<?, ?>> definitions = new ConcurrentHashMap<>();

  /** {@code hooks}: full method name (e.g. {@code runtime.v1.ImageService/PullImage}) → hook. */
  public ForwardingRegistry(Channel runtime, Map<String, UnaryHook> hooks, Executor workers) {
    this.passThrough = new PassThrough(runtime);
    this.hooked = new ConcurrentHashMap<>();
    hooks.forEach((name, hook) -> hooked.put(name, new HookedUnary(runtime, hook, workers)));
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    ServerMethodDefinition<?, ?> known = definitions.get(methodName);
    if (known != null) {
      return known;
    }
    HookedUnary hook = hooked.get(methodName);
    ServerMethodDefinition<?, ?> definition =
        ServerMethodDefinition.create(RawBytes.method(methodName), hook != null ? hook : passThrough);
    // The kubelet calls a few dozen names; the bound only stops a misbehaving client from growing it.
    if (definitions.size() < MAX_CACHED) {
      definitions.put(methodName, definition);
    }
    return definition;
  }
}
