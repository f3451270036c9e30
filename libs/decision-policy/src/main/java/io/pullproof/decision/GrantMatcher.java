package io.pullproof.decision;

import java.util.List;

/**
 * One decision's walk over the grants of (image reference, name): it resolves the request's
 * credentials to the index's ids once, then keeps the best live, revoked and expired match.
 * Single use, single thread.
 *
 * <p>A match is packed as {@code rank << 16 | index of the pod secret}; a lower rank is better.
 * Rotation needs the pod secrets' coordinates resolved and the group's secret count, so the
 * first scan leaves it out, and a second scan adds it only when a rotation could still change the
 * answer (no live match better than a rotation). Both scans rank the same way, so the result is
 * that of a single scan with rotation.
 */
final class GrantMatcher {
  static final int RANK_ANONYMOUS = 0;
  static final int RANK_NODE_CREDENTIAL = 1;
  static final int RANK_SECRET_HASH_SAME_COORDINATES = 2;
  static final int RANK_SECRET_HASH_OTHER_COORDINATES = 3;
  static final int RANK_SECRET_ROTATED = 4;
  static final int RANK_SERVICE_ACCOUNT = 5;
  static final int NO_MATCH = Integer.MAX_VALUE;

  /** A pod secret whose hash is empty: it matches nothing. */
  private static final int EMPTY_HASH = -2;
  private static final int UNRESOLVED = -3;

  private final GrantIndex grants;
  private final List<PullSecret> podSecrets;
  private final int first;
  private final long now;
  private final long maxAgeMillis;
  private final int nodeCredential;
  private final int serviceAccount;
  /** Per pod secret: hash id, NONE when no grant holds it, or EMPTY_HASH. */
  private final int[] secretHashes;
  /** Per pod secret: coordinates id, NONE when no grant holds them; resolved for rotation only. */
  private int[] secretSubjects;
  private final boolean someSecretHashKnown;
  private int liveSecretGrants = -1;

  int live = GrantIndex.NONE;
  int liveMatch = NO_MATCH;
  int revoked = GrantIndex.NONE;
  int revokedMatch = NO_MATCH;
  int expired = GrantIndex.NONE;
  int expiredMatch = NO_MATCH;

  GrantMatcher(GrantIndex grants, int first, StartRequest request, long maxAgeMillis) {
    this.grants = grants;
    this.first = first;
    this.podSecrets = request.secrets();
    this.now = request.now().toEpochMilli();
    this.maxAgeMillis = maxAgeMillis;
    String nodeHash = request.nodeCredentialHash();
    nodeCredential = nodeHash.isEmpty() ? GrantIndex.NONE : grants.credentialIdOf(nodeHash);
    serviceAccount = request.serviceAccount() == null ? GrantIndex.NONE : grants.subjectIdOf(request.serviceAccount());
    secretHashes = new int[podSecrets.size()];
    boolean known = false;
    for (int i = 0; i < secretHashes.length; i++) {
      String hash = podSecrets.get(i).credentialHash();
      secretHashes[i] = hash.isEmpty() ? EMPTY_HASH : grants.credentialIdOf(hash);
      known |= secretHashes[i] >= 0;
    }
    someSecretHashKnown = known;
  }

  /** Finds the best matches, rotation included. */
  void match() {
    scan(false);
    if ((live == GrantIndex.NONE || liveMatch >>> 16 > RANK_SECRET_ROTATED) && rotationPossible()) {
      live = revoked = expired = GrantIndex.NONE;
      liveMatch = revokedMatch = expiredMatch = NO_MATCH;
      scan(true);
    }
  }

  /**
   * Whether the group holds fewer secrets than the kubelet's write limit, below which it
   * accepts rotations and records new coordinates.
   */
  boolean belowWriteLimit() {
    if (liveSecretGrants < 0) {
      int count = 0;
      for (int grant = first; grant != GrantIndex.NONE; grant = grants.next(grant)) {
        if (grants.kind(grant) == GrantKind.SECRET && !grants.revoked(grant)) {
          count++;
        }
      }
      liveSecretGrants = count;
    }
    return liveSecretGrants < VerdictPolicy.SECRET_WRITE_WHILE_MATCHING_LIMIT;
  }

  private boolean rotationPossible() {
    if (podSecrets.isEmpty() || !belowWriteLimit()) {
      return false;
    }
    secretSubjects = new int[podSecrets.size()];
    boolean possible = false;
    for (int i = 0; i < secretSubjects.length; i++) {
      secretSubjects[i] = secretHashes[i] == EMPTY_HASH ? GrantIndex.NONE : grants.subjectIdOf(podSecrets.get(i).ref());
      possible |= secretSubjects[i] >= 0;
    }
    return possible;
  }

  private void scan(boolean withRotation) {
    for (int grant = first; grant != GrantIndex.NONE; grant = grants.next(grant)) {
      int match = match(grant, withRotation);
      if (match == NO_MATCH) {
        continue;
      }
      if (grants.revoked(grant)) {
        if (better(grant, match, revoked, revokedMatch)) {
          revoked = grant;
          revokedMatch = match;
        }
      } else if (now - grants.verifiedAtMillis(grant) > maxAgeMillis) {
        if (better(grant, match, expired, expiredMatch)) {
          expired = grant;
          expiredMatch = match;
        }
      } else if (better(grant, match, live, liveMatch)) {
        live = grant;
        liveMatch = match;
      }
    }
  }

  /** How well {@code grant} matches the request, ignoring revocation and age. */
  private int match(int grant, boolean withRotation) {
    switch (grants.kind(grant)) {
      case ANONYMOUS:
        return RANK_ANONYMOUS << 16;
      case NODE_CREDENTIAL:
        return nodeCredential != GrantIndex.NONE && grants.credentialId(grant) == nodeCredential
            ? RANK_NODE_CREDENTIAL << 16 : NO_MATCH;
      case SECRET:
        if (withRotation) {
          return matchSecretOrRotation(grants.credentialId(grant), grants.subjectId(grant));
        }
        return someSecretHashKnown ? matchSecretHash(grant) : NO_MATCH;
      case SERVICE_ACCOUNT:
        return serviceAccount != GrantIndex.NONE && grants.subjectId(grant) == serviceAccount
            ? RANK_SERVICE_ACCOUNT << 16 : NO_MATCH;
      default:
        throw new IllegalStateException("unknown grant kind " + grants.kind(grant));
    }
  }

  /** A pod secret with the granted (non-empty) hash; same coordinates rank first. */
  private int matchSecretHash(int grant) {
    int grantedHash = grants.credentialId(grant);
    int best = NO_MATCH;
    for (int i = 0; i < secretHashes.length; i++) {
      if (secretHashes[i] >= 0 && secretHashes[i] == grantedHash) {
        int rank = grants.subject(grant).equals(podSecrets.get(i).ref())
            ? RANK_SECRET_HASH_SAME_COORDINATES : RANK_SECRET_HASH_OTHER_COORDINATES;
        best = Math.min(best, rank << 16 | i);
      }
    }
    return best;
  }

  /**
   * As {@link #matchSecretHash}, and a pod secret with the granted coordinates but another hash
   * is a rotation. A pod secret with an empty hash matches nothing, not even by coordinates: the
   * kubelet would accept it by coordinates and record the empty hash; we fail safe.
   */
  private int matchSecretOrRotation(int grantedHash, int grantedSubject) {
    int best = NO_MATCH;
    for (int i = 0; i < secretHashes.length; i++) {
      if (secretHashes[i] == EMPTY_HASH) {
        continue;
      }
      boolean sameCoordinates = secretSubjects[i] == grantedSubject;
      int rank;
      if (secretHashes[i] >= 0 && secretHashes[i] == grantedHash) {
        rank = sameCoordinates ? RANK_SECRET_HASH_SAME_COORDINATES : RANK_SECRET_HASH_OTHER_COORDINATES;
      } else if (sameCoordinates) {
        rank = RANK_SECRET_ROTATED;
      } else {
        continue;
      }
      best = Math.min(best, rank << 16 | i);
    }
    return best;
  }

  /** Better match rank, then more recently verified, then the lower handle. */
  private boolean better(int grant, int match, int incumbent, int incumbentMatch) {
    if (incumbent == GrantIndex.NONE) {
      return true;
    }
    int rank = match >>> 16;
    int incumbentRank = incumbentMatch >>> 16;
    if (rank != incumbentRank) {
      return rank < incumbentRank;
    }
    long verifiedAt = grants.verifiedAtMillis(grant);
    long incumbentVerifiedAt = grants.verifiedAtMillis(incumbent);
    if (verifiedAt != incumbentVerifiedAt) {
      return verifiedAt > incumbentVerifiedAt;
    }
    return grant < incumbent;
  }
}
