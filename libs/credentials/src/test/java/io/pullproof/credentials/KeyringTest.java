package io.pullproof.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pullproof.credentials.CredentialSource.NodeCredentials;
import io.pullproof.credentials.CredentialSource.PullSecret;
import io.pullproof.credentials.DockerConfig.Format;
import io.pullproof.reference.ImageReference;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Cases mirror the kubelet's keyring_test.go (TestUrlsMatch, TestDockerKeyringForGlob, ...). */
class KeyringTest {
  private static final String HUB_V1 = "https://index.docker.io/v1/";

  private static DockerConfig config(String... keys) {
    return new DockerConfig(Format.DOCKER_CONFIG_JSON,
        Arrays.stream(keys).map(key -> DockerConfigEntry.basic(key, "user-of-" + key, "pw")).toList());
  }

  private static PullSecret secret(String name, String... keys) {
    return new PullSecret(new SecretCoordinates("ns", name, "uid-" + name), config(keys));
  }

  private static List<String> matchedKeys(Keyring keyring, String image) {
    return keyring.lookup(ImageReference.parse(image)).stream().map(m -> m.entry().key()).toList();
  }

  static Stream<Arguments> singleSecretCases() {
    return Stream.of(
        // description, entry keys of one pull secret, image, matched keys in order
        arguments("exact host", List.of("registry.example.com"), "registry.example.com/app",
            List.of("registry.example.com")),
        arguments("https scheme dropped", List.of("https://registry.example.com"), "registry.example.com/app",
            List.of("https://registry.example.com")),
        arguments("http scheme dropped", List.of("http://registry.example.com"), "registry.example.com/app",
            List.of("http://registry.example.com")),
        arguments("trailing slash is no path", List.of("https://registry.example.com/"),
            "registry.example.com/app", List.of("https://registry.example.com/")),
        arguments("/v2/ suffix dropped", List.of("https://registry.example.com/v2/"), "registry.example.com/app",
            List.of("https://registry.example.com/v2/")),
        arguments("/v1/ suffix dropped", List.of("registry.example.com/v1/"), "registry.example.com/app",
            List.of("registry.example.com/v1/")),
        arguments("/v2/ prefix kept as path", List.of("registry.example.com/v2/team"),
            "registry.example.com/team/app", List.of("registry.example.com/v2/team")),
        arguments("/v1 without slash is a path", List.of("registry.example.com/v1"), "registry.example.com/app",
            List.of()),
        arguments("path prefix matches", List.of("registry.example.com/team"), "registry.example.com/team/app",
            List.of("registry.example.com/team")),
        arguments("other path does not", List.of("registry.example.com/team"), "registry.example.com/other/app",
            List.of()),
        arguments("path prefix is a plain string prefix", List.of("registry.example.com/team"),
            "registry.example.com/teamwork/app", List.of("registry.example.com/team")),
        arguments("query and fragment ignored", List.of("registry.example.com/team?x=1#y"),
            "registry.example.com/team/app", List.of("registry.example.com/team?x=1#y")),
        arguments("leading glob label", List.of("*.example.com"), "registry.example.com/app",
            List.of("*.example.com")),
        arguments("glob needs as many labels", List.of("*.example.com"), "example.com/app", List.of()),
        arguments("star never spans a dot", List.of("*.example.com"), "a.b.example.com/app", List.of()),
        arguments("middle glob label", List.of("prefix.*.io"), "prefix.kubernetes.io/foo",
            List.of("prefix.*.io")),
        arguments("last glob label", List.of("https://prefix.docker.*"), "prefix.docker.io/foo",
            List.of("https://prefix.docker.*")),
        arguments("partial glob label", List.of("*-good.example.com"), "prefix-good.example.com/x",
            List.of("*-good.example.com")),
        arguments("glob label mismatch", List.of("k*.io"), "quay.io/x", List.of()),
        // url.Parse reads '?' as the start of a query: the kubelet's key is just "reg"
        arguments("question mark starts a query, not a glob", List.of("reg?stry.example.com"),
            "registry.example.com/x", List.of()),
        arguments("character class", List.of("r[a-f]gistry.example.com"), "registry.example.com/x",
            List.of("r[a-f]gistry.example.com")),
        arguments("negated character class", List.of("r[^e]gistry.example.com"), "registry.example.com/x",
            List.of()),
        arguments("malformed glob matches nothing", List.of("r[e.example.com"), "registry.example.com/x",
            List.of()),
        arguments("hosts compare case-sensitively", List.of("Registry.example.com"), "registry.example.com/x",
            List.of()),
        arguments("equal ports", List.of("registry.example.com:5000"), "registry.example.com:5000/app",
            List.of("registry.example.com:5000")),
        arguments("key port, image none", List.of("registry.example.com:5000"), "registry.example.com/app",
            List.of()),
        arguments("image port, key none", List.of("registry.example.com"), "registry.example.com:5000/app",
            List.of()),
        arguments("glob with port and path", List.of("*.kubernetes.io:1111/foo"),
            "prefix.kubernetes.io:1111/foo/bar", List.of("*.kubernetes.io:1111/foo")),
        arguments("glob with other port", List.of("*.kubernetes.io:1234/blah"),
            "prefix.kubernetes.io:1111/blah", List.of()),
        arguments("bracketed IPv6 with port", List.of("[::1]:5000"), "[::1]:5000/app", List.of("[::1]:5000")),
        arguments("userinfo dropped from key", List.of("https://me@registry.example.com"),
            "registry.example.com/app", List.of("https://me@registry.example.com")),
        arguments("unparseable key ignored, others kept", List.of("registry.example.com:abc", "registry.example.com"),
            "registry.example.com/app", List.of("registry.example.com")),
        arguments("most specific first (reverse lexicographic)",
            List.of("*.example.com", "registry.example.com", "registry.example.com/team"),
            "registry.example.com/team/app",
            List.of("registry.example.com/team", "registry.example.com", "*.example.com")),
        arguments("same normalised key keeps file order",
            List.of("registry.example.com", "https://registry.example.com/v2/"), "registry.example.com/app",
            List.of("registry.example.com", "https://registry.example.com/v2/")),
        arguments("docker hub fallback for a familiar name", List.of(HUB_V1), "nginx", List.of(HUB_V1)),
        arguments("docker hub fallback for library/x", List.of(HUB_V1), "library/busybox", List.of(HUB_V1)),
        arguments("docker hub fallback for docker.io/...", List.of("index.docker.io"), "docker.io/foo/bar",
            List.of("index.docker.io")),
        arguments("docker hub fallback for index.docker.io/...", List.of(HUB_V1), "index.docker.io/foo/bar",
            List.of(HUB_V1)),
        arguments("docker hub v2 key normalises to the fallback key", List.of("https://index.docker.io/v2/"),
            "google/docker-registry", List.of("https://index.docker.io/v2/")),
        arguments("docker.io key matches directly", List.of("docker.io"), "nginx", List.of("docker.io")),
        arguments("fallback only when nothing matched", List.of(HUB_V1, "docker.io/library"), "nginx",
            List.of("docker.io/library")),
        arguments("no fallback for other registries", List.of(HUB_V1), "quay.io/org/app", List.of()),
        arguments("no fallback for a host with a port", List.of(HUB_V1), "localhost:5000/app", List.of()),
        // isDefaultRegistryMatch only looks for '.' or ':' in the first component
        arguments("kubelet falls back for localhost", List.of(HUB_V1), "localhost/app", List.of(HUB_V1)),
        arguments("nothing matches", List.of("quay.io", "*.gcr.io"), "registry.example.com/app", List.of()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("singleSecretCases")
  void lookupFollowsTheKubeletKeyring(String description, List<String> keys, String image, List<String> expected) {
    Keyring keyring = Keyring.of(List.of(secret("s", keys.toArray(String[]::new))));

    assertThat(matchedKeys(keyring, image)).containsExactlyElementsOf(expected);
  }

  @Test
  void matchesCarryTheNormalisedKeyAndTheFallbackFlag() {
    Keyring keyring = Keyring.of(List.of(secret("s", HUB_V1, "https://quay.io/v2/")));

    KeyringMatch hub = keyring.lookup(ImageReference.parse("nginx")).get(0);
    KeyringMatch quay = keyring.lookup(ImageReference.parse("quay.io/org/app")).get(0);

    assertThat(hub.registryKey()).isEqualTo("index.docker.io");
    assertThat(hub.dockerHubFallback()).isTrue();
    assertThat(quay.registryKey()).isEqualTo("quay.io");
    assertThat(quay.dockerHubFallback()).isFalse();
    assertThat(quay.entry().username()).isEqualTo("user-of-https://quay.io/v2/");
  }

  @Test
  void podSecretsMergeIntoOneKeyringInPodOrder() {
    Keyring keyring = Keyring.of(List.of(secret("a", "quay.io"), secret("b", "quay.io/org", "quay.io")));

    List<KeyringMatch> matches = keyring.lookup(ImageReference.parse("quay.io/org/app"));

    assertThat(matches).extracting(m -> ((PullSecret) m.source()).secret().name() + " " + m.entry().key())
        .containsExactly("b quay.io/org", "a quay.io", "b quay.io");
  }

  @Test
  void podSecretsComeBeforeNodeCredentialsWhateverTheirSpecificity() {
    NodeCredentials node = new NodeCredentials("/var/lib/kubelet/config.json", config("quay.io/org/app"));
    Keyring keyring = Keyring.of(List.of(node, secret("pod", "quay.io")));

    List<KeyringMatch> matches = keyring.lookup(ImageReference.parse("quay.io/org/app"));

    assertThat(matches).extracting(m -> m.source().getClass().getSimpleName())
        .containsExactly("PullSecret", "NodeCredentials");
  }

  @Test
  void dockerHubFallbackIsDecidedPerKeyring() {
    NodeCredentials node = new NodeCredentials("/node/config.json", config("docker.io"));
    Keyring keyring = Keyring.of(List.of(secret("pod", HUB_V1), node));

    List<KeyringMatch> matches = keyring.lookup(ImageReference.parse("nginx"));

    assertThat(matches).extracting(KeyringMatch::dockerHubFallback).containsExactly(true, false);
    assertThat(matches).extracting(m -> m.entry().key()).containsExactly(HUB_V1, "docker.io");
  }

  @Test
  void emptyKeyringMeansAnonymous() {
    assertThat(Keyring.of(List.of()).lookup(ImageReference.parse("nginx"))).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "IGNORED", value = {
      "https://index.docker.io/v1/, index.docker.io",
      "quay.io/v2/org/, quay.io/org/",
      "registry.example.com:5000, registry.example.com:5000",
      "registry.example.com/a%20b, registry.example.com/a b",
      "registry.example.com:50a0, IGNORED",
      "bad host.example.com, IGNORED",
      "registry.example.com/%zz, IGNORED",
      "[::1, IGNORED"})
  void keysNormaliseAsTheKubeletDoes(String key, String normalised) {
    assertThat(Keyring.normaliseKey(key)).isEqualTo(normalised);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "foo/bar, true", "docker.io/foo/bar, true", "index.docker.io/foo/bar, true", "foo, true", "'', false",
      "registry.tld/foo/bar, false", "registry:5000/foo/bar, false", "myhostdocker.io/foo/bar, false"})
  void dockerHubMatchFollowsIsDefaultRegistryMatch(String repository, boolean dockerHub) {
    assertThat(Keyring.isDockerHubMatch(repository)).isEqualTo(dockerHub);
  }

  @ParameterizedTest(name = "{0} ~ {1} -> {2}")
  @CsvSource(delimiter = ' ', value = {
      "* anything true", "a*b*c axxbyyc true", "a*b*c axxbyy false", "\\* * true", "\\* x false",
      "[z-a]x mx false", "[]a] a false", "[-a] a false", "[a-] a false", "a\\ a false", "[\\]] ] true",
      "ü? üx true"})
  void globFollowsGoFilepathMatch(String pattern, String label, boolean matches) {
    assertThat(HostLabelGlob.matches(pattern, label)).isEqualTo(matches);
  }
}
