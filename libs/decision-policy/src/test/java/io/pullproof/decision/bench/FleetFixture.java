package io.pullproof.decision.bench;

import io.pullproof.decision.Grant;
import io.pullproof.decision.InMemoryDecisionState;
import io.pullproof.decision.InMemoryGrantIndex;
import io.pullproof.decision.ObjectRef;
import io.pullproof.decision.PullPolicy;
import io.pullproof.decision.PullSecret;
import io.pullproof.decision.StartRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic fleet for the benchmark and the footprint measurement. Assumptions, stated so
 * the figures can be judged: 5 grants per (image reference, name) group by default; 5,000 tenants
 * (by default) with two pull secrets and one service account each; 20,000 repository names; 50 node
 * credentials; per group three secret grants, one service-account grant and one anonymous or
 * node-credential grant (the first {@code grantsPerGroup} of these).
 */
final class FleetFixture {
  static final int GRANTS_PER_GROUP = 5;
  static final int TENANTS = 5_000;
  static final int NAMES = 20_000;
  static final int NODE_CREDENTIALS = 50;
  static final int NODES = 10_000;
  static final Instant VERIFIED = Instant.parse("2026-11-20T00:00:00Z");
  static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private static final String UNKNOWN_DIGEST = "sha256:" + "f".repeat(64);

  final int grantsPerGroup;
  final int groups;
  final String[] digests;
  final String[] groupNames;
  final int tenants;
  final PullSecret[] secrets;
  final ObjectRef[] serviceAccounts;
  final String[] nodeHashes = new String[NODE_CREDENTIALS];
  /** Per group: the secret indexes granted, the service account index, the 5th grant's kind. */
  final int[][] groupSecrets;
  final int[] groupServiceAccount;
  final int[] groupNodeCredential;

  FleetFixture(int grants) {
    this(grants, GRANTS_PER_GROUP, TENANTS);
  }

  /** {@code tenants} tenants with two secrets and one service account each. */
  FleetFixture(int grants, int grantsPerGroup, int tenants) {
    this.grantsPerGroup = grantsPerGroup;
    this.tenants = tenants;
    secrets = new PullSecret[tenants * 2];
    serviceAccounts = new ObjectRef[tenants];
    groups = grants / grantsPerGroup;
    SplittableRandom random = new SplittableRandom(2535);
    for (int t = 0; t < tenants; t++) {
      String namespace = "tenant-" + t;
      secrets[2 * t] = PullSecret.of(namespace, "pull", uid(random), hex(random, 64));
      secrets[2 * t + 1] = PullSecret.of(namespace, "pull-ci", uid(random), hex(random, 64));
      serviceAccounts[t] = new ObjectRef(namespace, "default", uid(random));
    }
    for (int n = 0; n < NODE_CREDENTIALS; n++) {
      nodeHashes[n] = hex(random, 64);
    }
    String[] names = new String[NAMES];
    for (int n = 0; n < NAMES; n++) {
      names[n] = "registry-" + (n % 50) + ".example.com/tenant-" + (n % TENANTS) + "/app-" + n;
    }
    digests = new String[groups];
    groupNames = new String[groups];
    groupSecrets = new int[groups][3];
    groupServiceAccount = new int[groups];
    groupNodeCredential = new int[groups];
    for (int g = 0; g < groups; g++) {
      digests[g] = "sha256:" + hex(random, 64);
      groupNames[g] = names[random.nextInt(NAMES)];
      for (int s = 0; s < 3; s++) {
        groupSecrets[g][s] = random.nextInt(secrets.length);
      }
      groupServiceAccount[g] = random.nextInt(tenants);
      // -1: anonymous; otherwise the node credential index.
      groupNodeCredential[g] = random.nextBoolean() ? -1 : random.nextInt(NODE_CREDENTIALS);
    }
  }

  /** The grants of group {@code g}, built on the fly so that only the index holds them. */
  List<Grant> grantsOf(int g) {
    List<Grant> grants = new ArrayList<>(GRANTS_PER_GROUP);
    for (int s : groupSecrets[g]) {
      grants.add(Grant.secret(digests[g], groupNames[g], secrets[s], VERIFIED));
    }
    grants.add(Grant.serviceAccount(digests[g], groupNames[g], serviceAccounts[groupServiceAccount[g]], VERIFIED));
    grants.add(groupNodeCredential[g] < 0
        ? Grant.anonymous(digests[g], groupNames[g], VERIFIED)
        : Grant.nodeCredential(digests[g], groupNames[g], nodeHashes[groupNodeCredential[g]], VERIFIED));
    return grants.subList(0, Math.min(grantsPerGroup, grants.size()));
  }

  InMemoryGrantIndex index() {
    InMemoryGrantIndex index = new InMemoryGrantIndex(groups * grantsPerGroup, groups);
    for (int g = 0; g < groups; g++) {
      for (Grant grant : grantsOf(g)) {
        index.put(grant);
      }
    }
    return index;
  }

  /** The node that pulled group {@code g}'s name; every group's name is pulled on its node. */
  static String nodeOf(int g) {
    return "node-" + (g % NODES);
  }

  /** Records the node pulls, so that NeverVerifyPreloadedImages reaches the grants. */
  void recordNodePulls(InMemoryDecisionState state) {
    for (int g = 0; g < groups; g++) {
      state.recordNodePull(nodeOf(g), groupNames[g]);
    }
  }

  /**
   * A start request for group {@code g}, every string a new instance (sharing its bytes), so
   * that hash codes are computed and equality is checked in full as after decoding a record.
   * By {@code counter % 10}: 0-5 present a granted secret beside an unrelated one, 6 the granted
   * service account, 7 no credentials, 8 only an unrelated secret, 9 an unknown digest.
   */
  StartRequest request(int g, int counter, int unrelatedSecret) {
    int kind = Math.floorMod(counter, 10);
    String digest = copy(digests[g]);
    if (kind == 9) {
      digest = copy(UNKNOWN_DIGEST);
    }
    PullSecret unrelated = copy(secrets[Math.floorMod(unrelatedSecret, secrets.length)]);
    List<PullSecret> podSecrets = switch (kind) {
      case 0, 1, 2, 3, 4, 5 -> List.of(unrelated, copy(secrets[groupSecrets[g][kind % 3]]));
      case 8 -> List.of(unrelated);
      default -> List.of();
    };
    ObjectRef serviceAccount = kind == 6 ? copy(serviceAccounts[groupServiceAccount[g]]) : null;
    String nodeHash = groupNodeCredential[g] < 0 ? "" : copy(nodeHashes[(g + kind) % NODE_CREDENTIALS]);
    String name = copy(groupNames[g]);
    return new StartRequest(nodeOf(g), name + ":1", name, digest, PullPolicy.IF_NOT_PRESENT,
        "tenant-" + (g % tenants), podSecrets, serviceAccount, nodeHash, NOW);
  }

  private static PullSecret copy(PullSecret s) {
    return PullSecret.of(copy(s.ref().namespace()), copy(s.ref().name()), copy(s.ref().uid()), copy(s.credentialHash()));
  }

  private static ObjectRef copy(ObjectRef r) {
    return new ObjectRef(copy(r.namespace()), copy(r.name()), copy(r.uid()));
  }

  /** A new instance: its hash code is computed afresh and equality is checked in full. */
  private static String copy(String s) {
    return new String(s);
  }

  private static String uid(SplittableRandom random) {
    return hex(random, 8) + "-" + hex(random, 4) + "-" + hex(random, 4) + "-" + hex(random, 4) + "-" + hex(random, 12);
  }

  private static String hex(SplittableRandom random, int length) {
    StringBuilder hex = new StringBuilder(length);
    while (hex.length() < length) {
      hex.append(String.format("%016x", random.nextLong()));
    }
    return hex.substring(0, length);
  }
}
