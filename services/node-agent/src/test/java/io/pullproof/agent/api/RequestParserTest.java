package io.pullproof.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullproof.agent.enforce.PullReport;
import io.pullproof.agent.enforce.StartContext;
import io.pullproof.credentials.CredentialSource;
import io.pullproof.events.CredentialKind;
import io.pullproof.events.PullPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String CONFIG = Base64.getEncoder().encodeToString(
      "{\"auths\":{\"registry.example.com\":{\"username\":\"robot\",\"password\":\"s3cret\"}}}".getBytes(StandardCharsets.UTF_8));

  private static String start(String overrides) {
    return "{\"pod\":{\"namespace\":\"team-a\",\"name\":\"p\",\"uid\":\"u1\"},\"container\":\"app\","
        + "\"image\":\"registry.example.com/team-a/app:1\",\"imageRef\":\"" + DIGEST + "\",\"pullPolicy\":\"IfNotPresent\","
        + "\"pullSecrets\":[{\"name\":\"regcred\",\"uid\":\"s1\",\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":\""
        + CONFIG + "\"}]" + overrides + "}";
  }

  private static StartContext parseStart(String json) {
    return RequestParser.startRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertField(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).startsWith(field);
    });
  }

  @Test
  void aCompleteStartRequestIsRead() {
    StartContext start = parseStart(start(",\"serviceAccount\":{\"namespace\":\"team-a\",\"name\":\"sa\",\"uid\":\"sa1\"}"));
    assertThat(start.reference().name()).isEqualTo("registry.example.com/team-a/app");
    assertThat(start.pullPolicy()).isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThat(start.imageRef()).isEqualTo(DIGEST);
    assertThat(start.serviceAccount().uid()).isEqualTo("sa1");
    CredentialSource.PullSecret secret = (CredentialSource.PullSecret) start.podCredentials().get(0);
    assertThat(secret.secret().namespace()).as("defaults to the pod's namespace").isEqualTo("team-a");
    assertThat(secret.config().entries().get(0).username()).isEqualTo("robot");
  }

  @Test
  void everyInvalidFieldIsNamed() {
    assertField(() -> parseStart("{"), "body");
    assertField(() -> parseStart("[]"), "body");
    assertField(() -> parseStart(start("").replace("\"uid\":\"u1\"", "\"uid\":\"\"")), "pod.uid");
    assertField(() -> parseStart(start("").replace("IfNotPresent", "Sometimes")), "pullPolicy");
    assertField(() -> parseStart(start("").replace("registry.example.com/team-a/app:1", "team-a/App:1")), "image");
    assertField(() -> parseStart(start("").replace(DIGEST, "latest")), "imageRef");
    assertField(() -> parseStart(start(",\"extra\":1")), "extra");
    assertField(() -> parseStart(start("").replace(CONFIG, "!!!")), "pullSecrets[0].data");
    assertField(() -> parseStart(start("").replace(CONFIG, Base64.getEncoder().encodeToString("{\"auths\": 7}"
        .getBytes(StandardCharsets.UTF_8)))), "pullSecrets[0].data");
    assertField(() -> parseStart(start("").replace("kubernetes.io/dockerconfigjson", "Opaque")), "pullSecrets[0].type");
    assertField(() -> parseStart(start(",\"serviceAccount\":{\"namespace\":\"a\",\"name\":\"b\"}")), "serviceAccount.uid");
    assertField(() -> parseStart(start(",\"nodeCredentials\":[{\"data\":\"" + CONFIG + "\"}]")), "nodeCredentials[0].location");
  }

  @Test
  void errorsNeverEchoSecretMaterial() {
    String secretConfig = Base64.getEncoder().encodeToString(
        "{\"auths\":{\"r.io\":{\"username\":\"u\",\"password\":\"hunter2\",\"auth\":7}}}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> parseStart(start("").replace(CONFIG, secretConfig)))
        .isInstanceOf(ApiError.class).message().doesNotContain("hunter2");
  }

  @Test
  void aPullReportNamesTheCredentialThatSucceeded() {
    String json = "{\"pod\":{\"namespace\":\"team-a\",\"name\":\"p\",\"uid\":\"u1\"},\"image\":\"registry.example.com/team-a/app:1\","
        + "\"imageRef\":\"" + DIGEST + "\",\"credential\":{\"kind\":\"SECRET\",\"secretUid\":\"s1\"},"
        + "\"pullSecrets\":[{\"name\":\"regcred\",\"uid\":\"s1\",\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":\"" + CONFIG + "\"}]}";
    PullReport report = RequestParser.pullReport(json.getBytes(StandardCharsets.UTF_8));
    assertThat(report.succeeded().kind()).isEqualTo(CredentialKind.SECRET);
    assertThat(report.succeeded().secretUid()).isEqualTo("s1");
    assertField(() -> RequestParser.pullReport(json.replace("\"secretUid\":\"s1\"", "\"x\":1").getBytes(StandardCharsets.UTF_8)),
        "credential.x");
    assertField(() -> RequestParser.pullReport(json.replace(",\"secretUid\":\"s1\"", "").getBytes(StandardCharsets.UTF_8)),
        "credential.secretUid");
    assertField(() -> RequestParser.pullReport(json.replace("\"imageRef\":\"" + DIGEST + "\",", "").getBytes(StandardCharsets.UTF_8)),
        "imageRef");
  }
}
