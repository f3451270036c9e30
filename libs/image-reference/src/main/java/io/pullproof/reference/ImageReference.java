package io.pullproof.reference;

import java.util.Objects;

/**
 * A normalised container image reference, as the kubelet sees it after {@code
 * ParseNormalizedNamed} and {@code TagNameOnly}: {@code nginx} is {@code
 * docker.io/library/nginx:latest}. Every instance is canonical: {@code
 * parse(ref.toString()).equals(ref)}.
 *
 * @param domain registry host with optional port, e.g. {@code docker.io}, {@code localhost:5000},
 *     {@code [::1]:5000}; uppercase letters are allowed here and kept as written
 * @param path repository path without domain, e.g. {@code library/nginx}; always lowercase
 * @param tag the tag, or null when the reference has only a digest
 * @param digest the digest ({@code sha256:<64 hex>} and the like), or null
 */
public record ImageReference(String domain, String path, String tag, String digest) {

  /** Docker Hub's canonical domain. */
  public static final String DOCKER_HUB_DOMAIN = ReferenceParser.DEFAULT_DOMAIN;

  /**
   * Checks that the components form a canonical reference.
   *
   * @throws InvalidReferenceException when they do not, naming the component
   */
  public ImageReference {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(path, "path");
    ReferenceParser.checkCanonical(domain, path, tag, digest);
  }

  /**
   * Parses and normalises an image reference exactly as the distribution reference grammar does:
   * default domain {@code docker.io}, {@code library/} for single-component Docker Hub names,
   * {@code index.docker.io} folded into {@code docker.io}, tag {@code latest} only when there is
   * neither tag nor digest.
   *
   * @throws InvalidReferenceException naming the input and the part that is wrong
   */
  public static ImageReference parse(String reference) {
    return ReferenceParser.parse(reference);
  }

  /** The repository name with its domain, e.g. {@code docker.io/library/nginx}. */
  public String name() {
    return domain + "/" + path;
  }

  /** The domain without its port; a bracketed IPv6 address keeps its brackets. */
  public String host() {
    int portSeparator = portSeparator();
    return portSeparator < 0 ? domain : domain.substring(0, portSeparator);
  }

  /** The port digits as written in the domain, or null when there is none. */
  public String port() {
    int portSeparator = portSeparator();
    return portSeparator < 0 ? null : domain.substring(portSeparator + 1);
  }

  /** True for images on Docker Hub ({@code docker.io}). */
  public boolean isDockerHub() {
    return domain.equals(DOCKER_HUB_DOMAIN);
  }

  /** The canonical form: {@code name[:tag][@digest]}. */
  @Override
  public String toString() {
    StringBuilder canonical = new StringBuilder(name());
    if (tag != null) {
      canonical.append(':').append(tag);
    }
    if (digest != null) {
      canonical.append('@').append(digest);
    }
    return canonical.toString();
  }

  private int portSeparator() {
    int hostEnd = domain.startsWith("[") ? domain.indexOf(']') : 0;
    return domain.indexOf(':', hostEnd);
  }
}
