package io.pullproof.sim.fleet;

/**
 * A tenant: one namespace of that name in every cluster, holding the pull secret {@value #SECRET_NAME}
 * (credentials of the tenant's own registry user) and the service account {@code default}.
 *
 * @param group the group whose shared images the tenant may pull
 */
public record Tenant(String name, int group, String registryUser) {
  public static final String SECRET_NAME = "registry-pull";

  public String namespace() {
    return name;
  }

  /** The secret's uid in {@code cluster}: the same credential material is a different object per cluster. */
  public String secretUid(String cluster) {
    return "uid-" + name + "-" + SECRET_NAME + "-" + cluster;
  }

  public String serviceAccountUid(String cluster) {
    return "uid-" + name + "-sa-default-" + cluster;
  }
}
