package io.pullproof.ledger.model;

import java.time.Instant;

/**
 * Which start requests to list: the history of a pod (namespace + pod), of an image (name or
 * imageRef), or of a cluster/node, within an optional time window on the request time.
 */
public record StartFilter(String namespace, String pod, String name, String imageRef, String cluster, String node,
    Instant since, Instant until) {

  public StartFilter {
    if (pod != null && namespace == null) {
      throw new InvalidFieldException("namespace", "is required with pod");
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new InvalidFieldException("until", "must be after since");
    }
  }
}
