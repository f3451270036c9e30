package io.pullproof.credentials;

import java.util.List;
import java.util.Objects;

/**
 * The registry credentials of one pull secret or node config file, entries in file order.
 *
 * @param format which of the two file formats it was read from
 * @param entries one per registry key, in the order the file lists them
 */
public record DockerConfig(Format format, List<DockerConfigEntry> entries) {

  /** The two formats the kubelet reads. */
  public enum Format {
    /** {@code kubernetes.io/dockerconfigjson} and {@code config.json}: {@code {"auths": {...}}}. */
    DOCKER_CONFIG_JSON,
    /** {@code kubernetes.io/dockercfg} ({@code .dockercfg}): the entries map at the top level. */
    DOCKERCFG
  }

  public DockerConfig {
    Objects.requireNonNull(format, "format");
    entries = List.copyOf(entries);
  }

  /**
   * Reads either format: a top-level {@code auths} field means {@code config.json} style, anything
   * else the legacy {@code .dockercfg} map. Use the format-specific methods when the secret type
   * is known.
   *
   * @throws DockerConfigException naming the entry key and field that are malformed
   */
  public static DockerConfig parse(byte[] json) {
    return DockerConfigParser.parse(json, null);
  }

  /** Reads a {@code kubernetes.io/dockerconfigjson} secret or a node {@code config.json}. */
  public static DockerConfig parseDockerConfigJson(byte[] json) {
    return DockerConfigParser.parse(json, Format.DOCKER_CONFIG_JSON);
  }

  /** Reads a legacy {@code kubernetes.io/dockercfg} secret. */
  public static DockerConfig parseDockercfg(byte[] json) {
    return DockerConfigParser.parse(json, Format.DOCKERCFG);
  }
}
