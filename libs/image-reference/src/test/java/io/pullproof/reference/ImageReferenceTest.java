package io.pullproof.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pullproof.reference.InvalidReferenceException.Problem;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cases mirror distribution/reference's reference_test.go and normalize_test.go. */
class ImageReferenceTest {
  private static final String SHA256 = "sha256:" + "f".repeat(64);
  private static final String SHA256_REDIS =
      "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
  private static final String SHA384 = "sha384:" + "a".repeat(96);
  private static final String SHA512 = "sha512:" + "0".repeat(128);
  private static final String HEX64 = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

  static Stream<Arguments> validReferences() {
    return Stream.of(
        // input, domain, path, tag, digest
        arguments("nginx", "docker.io", "library/nginx", "latest", null),
        arguments("nginx:1.25", "docker.io", "library/nginx", "1.25", null),
        arguments("library/nginx", "docker.io", "library/nginx", "latest", null),
        arguments("docker.io/nginx", "docker.io", "library/nginx", "latest", null),
        arguments("docker.io/library/nginx", "docker.io", "library/nginx", "latest", null),
        arguments("index.docker.io/x/y", "docker.io", "x/y", "latest", null),
        arguments("index.docker.io/nginx", "docker.io", "library/nginx", "latest", null),
        arguments("dmcgowan/myapp", "docker.io", "dmcgowan/myapp", "latest", null),
        arguments("docker.io/library/foo/bar", "docker.io", "library/foo/bar", "latest", null),
        arguments("store/foo/bar", "docker.io", "store/foo/bar", "latest", null),
        arguments("localhost/foo", "localhost", "foo", "latest", null),
        arguments("localhost:5000/foo/bar:v1", "localhost:5000", "foo/bar", "v1", null),
        // a single component is never a domain upstream: "localhost:5000" is repo localhost, tag 5000
        arguments("localhost:5000", "docker.io", "library/localhost", "5000", null),
        arguments("localhost", "docker.io", "library/localhost", "latest", null),
        arguments("test.com:5000/repo", "test.com:5000", "repo", "latest", null),
        arguments("test:5000/repo:tag", "test:5000", "repo", "tag", null),
        arguments("192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "repo", "5050", null),
        arguments("192.168.1.1", "docker.io", "library/192.168.1.1", "latest", null),
        arguments("[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", null),
        arguments("[::1]:5000/repo", "[::1]:5000", "repo", "latest", null),
        arguments("[2001:db8::1]/repo", "[2001:db8::1]", "repo", "latest", null),
        // an uppercase first component is a domain, never a path
        arguments("Docker/docker", "Docker", "docker", "latest", null),
        arguments("FOO/bar", "FOO", "bar", "latest", null),
        arguments("test_com/foo", "docker.io", "test_com/foo", "latest", null),
        arguments("sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com", "bar/baz/quux",
            "some-long-tag", null),
        arguments("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", "latest", null),
        arguments("b.gcr.io/test.example.com/my-app:test.example.com", "b.gcr.io",
            "test.example.com/my-app", "test.example.com", null),
        arguments("docker---rules/docker", "docker.io", "docker---rules/docker", "latest", null),
        arguments("dock__er/docker", "docker.io", "dock__er/docker", "latest", null),
        arguments("d/docker", "docker.io", "d/docker", "latest", null),
        arguments("lowercase:Uppercase", "docker.io", "library/lowercase", "Uppercase", null),
        arguments("foo:_underscore-first", "docker.io", "library/foo", "_underscore-first", null),
        // a digest-only reference gets no tag; tag + digest keeps both
        arguments("redis@" + SHA256_REDIS, "docker.io", "library/redis", null, SHA256_REDIS),
        arguments("busybox:latest@" + SHA256, "docker.io", "library/busybox", "latest", SHA256),
        arguments("quay.io/org/app:v1@" + SHA512, "quay.io", "org/app", "v1", SHA512),
        arguments("test:5000/repo@" + SHA384, "test:5000", "repo", null, SHA384),
        arguments("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "docker.io",
            "library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev", "latest", null),
        // 64 hex is only rejected when it is the whole input
        arguments("docker.io/" + HEX64, "docker.io", "library/" + HEX64, "latest", null),
        arguments(HEX64 + ":tag", "docker.io", "library/" + HEX64, "tag", null),
        // "sha256:<hex>" without a name parses as repository sha256 with a 64-character tag
        arguments(SHA256, "docker.io", "library/sha256", "f".repeat(64), null),
        arguments("foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", null),
        arguments("nginx:" + "t".repeat(128), "docker.io", "library/nginx", "t".repeat(128), null),
        // exactly 255 characters of domain/path
        arguments("quay.io/" + "a".repeat(247), "quay.io", "a".repeat(247), "latest", null),
        arguments("example.com:8000/private/moonbase", "example.com:8000", "private/moonbase", "latest",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validReferences")
  void validReferenceIsNormalised(String input, String domain, String path, String tag, String digest) {
    ImageReference ref = ImageReference.parse(input);

    assertThat(ref).isEqualTo(new ImageReference(domain, path, tag, digest));
    assertThat(ref.name()).isEqualTo(domain + "/" + path);
    assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
  }

  static Stream<Arguments> invalidReferences() {
    return Stream.of(
        // input, problem, text the message must contain
        arguments("", Problem.EMPTY, "empty"),
        arguments(HEX64, Problem.AMBIGUOUS_IDENTIFIER, "64 hexadecimal"),
        arguments("Uppercase:tag", Problem.UPPERCASE_PATH, "(library/Uppercase) must be lowercase"),
        arguments("docker/Docker", Problem.UPPERCASE_PATH, "allowed only in the domain"),
        arguments("test:5000/Uppercase/lowercase:tag", Problem.UPPERCASE_PATH, "(Uppercase/lowercase)"),
        arguments("docker.io/docker/Docker", Problem.UPPERCASE_PATH, "must be lowercase"),
        arguments("-docker", Problem.INVALID_PATH, "path component (-docker)"),
        arguments("-docker/docker", Problem.INVALID_PATH, "(-docker)"),
        arguments("docker-/docker", Problem.INVALID_PATH, "(docker-)"),
        arguments("docker///docker", Problem.INVALID_PATH, "empty component"),
        arguments("docker/", Problem.INVALID_PATH, "empty component"),
        arguments("docker.io/", Problem.INVALID_PATH, "empty component"),
        arguments("____/____", Problem.INVALID_PATH, "(____)"),
        // a first component with a dot is taken as the domain
        arguments("dock..er/docker", Problem.INVALID_DOMAIN, "domain (dock..er)"),
        arguments("dock_.er/docker", Problem.INVALID_DOMAIN, "domain (dock_.er)"),
        arguments("docker/dock..er", Problem.INVALID_PATH, "path component (dock..er)"),
        arguments("aa/asdf$$^/aa", Problem.INVALID_PATH, "(asdf$$^)"),
        arguments("nginx latest", Problem.INVALID_PATH, "(nginx latest)"),
        arguments(":justtag", Problem.INVALID_PATH, "empty component"),
        arguments("@" + SHA256, Problem.INVALID_PATH, "empty component"),
        arguments("https://github.com/docker/docker", Problem.INVALID_DOMAIN, "domain (https:)"),
        arguments("-docker.io/docker/docker", Problem.INVALID_DOMAIN, "domain (-docker.io)"),
        arguments("fc00::1:5000/debian", Problem.INVALID_DOMAIN, "domain (fc00::1:5000)"),
        arguments("[fe80::1%eth0]:5000/debian", Problem.INVALID_DOMAIN, "domain"),
        arguments("host:abc/foo", Problem.INVALID_DOMAIN, "domain (host:abc)"),
        // upstream would return a name without a domain here; we reject it
        arguments("a_b.c/d", Problem.INVALID_DOMAIN, "domain (a_b.c)"),
        arguments("[2001:db8::1]", Problem.INVALID_TAG, "tag (1])"),
        arguments("foo:-tag", Problem.INVALID_TAG, "tag (-tag)"),
        arguments("nginx:", Problem.INVALID_TAG, "tag ()"),
        arguments("foo:" + "t".repeat(129), Problem.INVALID_TAG, "at most 127"),
        arguments("repo@sha256:" + "f".repeat(34), Problem.INVALID_DIGEST_LENGTH, "needs 64 hex characters, got 34"),
        arguments("repo@sha512:" + "f".repeat(64), Problem.INVALID_DIGEST_LENGTH, "needs 128"),
        arguments("validname@invaliddigest:" + "f".repeat(64), Problem.UNSUPPORTED_DIGEST_ALGORITHM,
            "(invaliddigest) is not supported"),
        arguments("repo@sha256+b64:" + "f".repeat(64), Problem.UNSUPPORTED_DIGEST_ALGORITHM,
            "(sha256+b64)"),
        arguments("repo@sha256:" + "F".repeat(64), Problem.INVALID_DIGEST, "lowercase [a-f0-9]"),
        arguments("repo:tag@SHA256:" + "f".repeat(64), Problem.INVALID_DIGEST, "(SHA256) must be lowercase"),
        arguments("repo@sha256:abc", Problem.INVALID_DIGEST, "at least 32 hex"),
        arguments("nginx@", Problem.INVALID_DIGEST, "digest ()"),
        arguments("a/".repeat(128) + "a:tag", Problem.NAME_TOO_LONG, "267 characters, more than 255"),
        arguments("quay.io/" + "a".repeat(248), Problem.NAME_TOO_LONG, "256 characters"),
        arguments("x".repeat(2000), Problem.TOO_LONG, "longer than 1024"));
  }

  @ParameterizedTest(name = "[{index}] {1}: {0}")
  @MethodSource("invalidReferences")
  void invalidReferenceIsRejectedNamingTheProblem(String input, Problem problem, String fragment) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOfSatisfying(InvalidReferenceException.class, e -> {
          assertThat(e.problem()).isEqualTo(problem);
          assertThat(e.getMessage()).contains(fragment).startsWith("invalid image reference \"");
        });
  }

  @Test
  void nullIsRejectedAsEmpty() {
    assertThatThrownBy(() -> ImageReference.parse(null))
        .isInstanceOfSatisfying(InvalidReferenceException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.EMPTY));
  }

  @Test
  void messageOfOversizedInputIsCutAndSingleLine() {
    String input = "a\nb".repeat(1000);

    assertThatThrownBy(() -> ImageReference.parse(input))
        .hasMessageContaining("\\u000a")
        .hasMessageContaining("(3000 characters)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(2000));
  }

  @Test
  void canonicalStringHasTagThenDigest() {
    assertThat(ImageReference.parse("busybox:1@" + SHA256))
        .hasToString("docker.io/library/busybox:1@" + SHA256);
    assertThat(ImageReference.parse("busybox@" + SHA256)).hasToString("docker.io/library/busybox@" + SHA256);
    assertThat(ImageReference.parse("nginx")).hasToString("docker.io/library/nginx:latest");
  }

  @Test
  void hostAndPortSplitTheDomain() {
    ImageReference plain = ImageReference.parse("quay.io/org/app");
    ImageReference withPort = ImageReference.parse("localhost:5000/app");
    ImageReference ipv6 = ImageReference.parse("[2001:db8::1]:5000/app");
    ImageReference ipv6NoPort = ImageReference.parse("[2001:db8::1]/app");

    assertThat(plain.host()).isEqualTo("quay.io");
    assertThat(plain.port()).isNull();
    assertThat(withPort.host()).isEqualTo("localhost");
    assertThat(withPort.port()).isEqualTo("5000");
    assertThat(ipv6.host()).isEqualTo("[2001:db8::1]");
    assertThat(ipv6.port()).isEqualTo("5000");
    assertThat(ipv6NoPort.host()).isEqualTo("[2001:db8::1]");
    assertThat(ipv6NoPort.port()).isNull();
    assertThat(ImageReference.parse("nginx").isDockerHub()).isTrue();
    assertThat(plain.isDockerHub()).isFalse();
  }

  @Test
  void constructorRejectsNonCanonicalComponents() {
    assertThatThrownBy(() -> new ImageReference("index.docker.io", "x/y", "latest", null))
        .hasMessageContaining("normalises to docker.io/x/y");
    assertThatThrownBy(() -> new ImageReference("docker.io", "nginx", "latest", null))
        .hasMessageContaining("normalises to docker.io/library/nginx");
    assertThatThrownBy(() -> new ImageReference("foo", "bar", "latest", null))
        .hasMessageContaining("normalises to docker.io/foo/bar");
    assertThatThrownBy(() -> new ImageReference("quay.io", "app", null, null))
        .hasMessageContaining("has a tag, a digest or both");
    assertThatThrownBy(() -> new ImageReference("quay.io", "App", "v1", null))
        .isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> new ImageReference("quay.io", "app", "-v1", null))
        .hasMessageContaining("tag (-v1)");
    assertThatThrownBy(() -> new ImageReference("quay.io", "app", null, "sha256:abc"))
        .isInstanceOf(InvalidReferenceException.class);
  }
}
