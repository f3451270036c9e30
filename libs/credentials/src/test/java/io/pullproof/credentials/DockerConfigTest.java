package io.pullproof.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.credentials.DockerConfig.Format;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DockerConfigTest {
  private static final String SECRET = "hunter2-top-secret";

  private static byte[] json(String text) {
    return text.replace('\'', '"').getBytes(UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  @Test
  void dockerConfigJsonEntriesKeepFileOrder() {
    DockerConfig config = DockerConfig.parse(json("{'auths': {"
        + "'quay.io': {'username': 'robot', 'password': 'pw1', 'email': 'r@example.com'},"
        + "'https://index.docker.io/v1/': {'username': 'alice', 'password': 'pw2'}}}"));

    assertThat(config.format()).isEqualTo(Format.DOCKER_CONFIG_JSON);
    assertThat(config.entries()).containsExactly(
        new DockerConfigEntry("quay.io", "robot", "pw1", "r@example.com", "", ""),
        DockerConfigEntry.basic("https://index.docker.io/v1/", "alice", "pw2"));
  }

  @Test
  void legacyDockercfgIsTheMapWithoutAuths() {
    DockerConfig config = DockerConfig.parse(json(
        "{'registry.example.com': {'username': 'u', 'password': 'p', 'email': 'e@x'}}"));

    assertThat(config.format()).isEqualTo(Format.DOCKERCFG);
    assertThat(config.entries()).containsExactly(
        new DockerConfigEntry("registry.example.com", "u", "p", "e@x", "", ""));
    assertThat(DockerConfig.parseDockercfg(json("{'r.io': {'username': 'u'}}")).entries()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "padded, dXNlcjpwYXNz, user, pass",
      "unpadded, dXNlcjpwYXNzMQ, user, pass1",
      "padded one, dXNlcjpwYXNzMQ==, user, pass1",
      "colon in password, dTpwOnc6eA==, u, p:w:x",
      "empty password, dTo=, u, ''",
      "line breaks ignored, 'dXNlcjpw\nYXNz', user, pass"})
  void authIsBase64OfUserColonPasswordAndWins(String name, String auth, String user, String password) {
    DockerConfig config = DockerConfig.parseDockerConfigJson(json("{'auths': {'r.io': {"
        + "'username': 'ignored', 'password': 'ignored', 'auth': '" + auth.replace("\n", "\\n") + "'}}}"));

    assertThat(config.entries().get(0).username()).isEqualTo(user);
    assertThat(config.entries().get(0).password()).isEqualTo(password);
  }

  @Test
  void tokensFieldNamesInAnyCaseAndUnknownFieldsAreRead() {
    DockerConfig config = DockerConfig.parse(json("{'Auths': {'r.io': {"
        + "'IdentityToken': 'idt', 'registrytoken': 'rt', 'USERNAME': 'u', 'serveraddress': 'r.io',"
        + "'password': null}}, 'credsStore': 'desktop', 'HttpHeaders': {}}"));

    assertThat(config.entries()).containsExactly(new DockerConfigEntry("r.io", "u", "", "", "idt", "rt"));
  }

  @Test
  void nullEntryAndNullAuthsAreEmptyAsInGo() {
    assertThat(DockerConfig.parse(json("{'auths': {'r.io': null}}")).entries())
        .containsExactly(DockerConfigEntry.basic("r.io", "", ""));
    assertThat(DockerConfig.parse(json("{'auths': null}")).entries()).isEmpty();
    assertThat(DockerConfig.parseDockerConfigJson(json("{'credsStore': 'desktop'}")).entries()).isEmpty();
    assertThat(DockerConfig.parse(json("null")).entries()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not json | {'auths': {'r.io': {'password': 'SECRET' | not valid JSON (line 1, column",
      "trailing garbage | {} SECRET | not valid JSON",
      "top level array | ['SECRET'] | must be a JSON object, found array",
      "auths a string | {'auths': 'SECRET'} | field \"auths\" must be an object, found string",
      "entry a string | {'auths': {'r.io': 'SECRET'}} | entry auths.\"r.io\" must be an object, found string",
      "legacy entry a number | {'r.io': 5} | entry \"r.io\" must be an object, found number",
      "password a number | {'auths': {'r.io': {'password': 12345}}} | entry auths.\"r.io\": field \"password\" must be a string",
      "auth an object | {'auths': {'r.io': {'auth': {'x': 'SECRET'}}}} | field \"auth\" must be a string, found object",
      "auth not base64 | {'auths': {'r.io': {'auth': 'SECRET!!'}}} | entry auths.\"r.io\": field \"auth\" is not valid base64",
      "auth padded wrongly | {'auths': {'r.io': {'auth': 'dXNlcjpwYXNz='}}} | field \"auth\" is not valid base64",
      "auth without colon | {'auths': {'q.io': {'auth': 'c2VjcmV0'}}} | entry auths.\"q.io\": field \"auth\" must be base64(username:password)"})
  void malformedConfigIsRejectedNamingKeyAndFieldButNoValue(String name, String text, String fragment) {
    assertThatThrownBy(() -> DockerConfig.parse(json(text.replace("SECRET", SECRET))))
        .isInstanceOf(DockerConfigException.class)
        .hasMessageContaining(fragment)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("c2VjcmV0"));
  }

  @Test
  void emptyInputIsRejected() {
    assertThatThrownBy(() -> DockerConfig.parse(new byte[0])).hasMessage("docker config is empty");
    assertThatThrownBy(() -> DockerConfig.parse(json("  "))).hasMessage("docker config is empty");
  }

  @Test
  void entryKeyWithControlCharactersIsEscapedInMessages() {
    assertThatThrownBy(() -> DockerConfig.parse(json("{'a\\nb': 1}")))
        .hasMessageContaining("entry \"a\\nb\"");
  }

  @Test
  void toStringMasksEverySecret() {
    DockerConfig config = DockerConfig.parse(json("{'auths': {'r.io': {'auth': '" + base64("user:" + SECRET)
        + "', 'identitytoken': '" + SECRET + "-idt', 'registrytoken': '" + SECRET + "-rt'}}}"));
    DockerConfigEntry entry = config.entries().get(0);

    assertThat(entry.password()).isEqualTo(SECRET);
    assertThat(entry.toString()).contains("username=user", "password=<masked>").doesNotContain(SECRET);
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(new KeyringMatch(new CredentialSource.NodeCredentials("/n", config), entry, "r.io", false)
        .toString()).doesNotContain(SECRET);
    assertThat(DockerConfigEntry.basic("r.io", "u", "").toString()).contains("password=<empty>");
  }
}
