package io.pullproof.agent.cri.proxy;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Messages as the bytes on the wire: the proxy never re-encodes what it forwards, so fields it
 * does not know (a newer CRI than our proto) reach the runtime and the kubelet unchanged.
 */
public final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
  public static final RawBytes INSTANCE = new RawBytes();

  private RawBytes() {}

  /** A descriptor for any method name, e.g. {@code runtime.v1.RuntimeService/ListContainers}. */
  public static MethodDescriptor<byte[], byte[]> method(String fullMethodName) {
    // UNKNOWN: one descriptor serves unary and streaming calls (GetContainerEvents streams).
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
