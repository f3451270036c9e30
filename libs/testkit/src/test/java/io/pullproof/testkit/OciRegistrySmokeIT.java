package io.pullproof.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullproof.stack.oci.ImagePusher;
import io.pullproof.stack.oci.OciRegistry;
import io.pullproof.oci.RegistryClient;
import io.pullproof.oci.RegistryCredentials;
import io.pullproof.stack.oci.TokenIssuer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The test kit's token registry is a real OCI registry: a manifest HEAD answers 200, 401 or
 * insufficient_scope as the registry decides from the issuer's grants.
 */
class OciRegistrySmokeIT {

  @Test
  void manifestHeadAnswersAsTheRegistryDecides() throws Exception {
    TokenIssuer issuer = TestInfrastructure.tokenIssuer();
    OciRegistry registry = TestInfrastructure.tokenRegistry();
    issuer.addUser("smoke-owner", "owner-pass");
    issuer.addUser("smoke-stranger", "stranger-pass");
    issuer.grant("smoke-owner", "smoke/*", "pull", "push");

    RegistryClient owner = new RegistryClient(registry.baseUri(), registry.sslContext(), new RegistryCredentials("smoke-owner", "owner-pass"));
    String digest = new ImagePusher(owner).push("smoke/app", "1");

    HttpResponse<byte[]> granted = owner.headManifest("smoke/app", "1");
    assertThat(granted.statusCode()).isEqualTo(200);
    assertThat(granted.headers().firstValue("Docker-Content-Digest")).contains(digest);

    HttpResponse<byte[]> anonymous = RegistryClient.anonymous(registry.baseUri(), registry.sslContext()).headManifest("smoke/app", "1");
    assertThat(anonymous.statusCode()).isEqualTo(401);

    RegistryClient stranger = new RegistryClient(registry.baseUri(), registry.sslContext(), new RegistryCredentials("smoke-stranger", "stranger-pass"));
    HttpResponse<byte[]> withoutGrant = stranger.headManifest("smoke/app", "1");
    assertThat(withoutGrant.statusCode()).isEqualTo(401);
    assertThat(withoutGrant.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        challenge -> assertThat(challenge).contains("error=\"insufficient_scope\""));
  }
}
