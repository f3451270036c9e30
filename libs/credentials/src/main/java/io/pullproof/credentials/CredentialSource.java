package io.pullproof.credentials;

import java.util.Objects;

/** A docker config the kubelet would consult for a pod, with where it comes from. */
public sealed interface CredentialSource {

  /** The credentials. */
  DockerConfig config();

  /**
   * A pod's image pull secret ({@code kubernetes.io/dockerconfigjson} or {@code
   * kubernetes.io/dockercfg}).
   */
  record PullSecret(SecretCoordinates secret, DockerConfig config) implements CredentialSource {
    public PullSecret {
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(config, "config");
    }
  }

  /**
   * Node-wide credentials: a {@code config.json} on the node (such as OpenShift's cluster-wide pull
   * secret), consulted after every pod secret.
   *
   * @param location where the node reads it, e.g. {@code /var/lib/kubelet/config.json}
   */
  record NodeCredentials(String location, DockerConfig config) implements CredentialSource {
    public NodeCredentials {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(config, "config");
    }
  }
}
