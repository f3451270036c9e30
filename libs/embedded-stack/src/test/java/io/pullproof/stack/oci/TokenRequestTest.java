package io.pullproof.stack.oci;

import io.pullproof.oci.RegistryCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenRequestTest {
  @Test
  void repeatedAndSpaceSeparatedScopesAreAllRead() {
    TokenRequest request = TokenRequest.parse(
        "service=reg&scope=repository%3Aa%3Apull&scope=repository:b:pull,push%20repository:c:pull", null);

    assertThat(request.service()).isEqualTo("reg");
    assertThat(request.scopes()).extracting(ResourceAccess::name).containsExactly("a", "b", "c");
    assertThat(request.anonymous()).isTrue();
  }

  @Test
  void missingScopeMeansNoAccessRequested() {
    assertThat(TokenRequest.parse("service=reg", null).scopes()).isEmpty();
    assertThat(TokenRequest.parse(null, null).scopes()).isEmpty();
  }

  @Test
  void basicCredentialsAreDecodedAndPasswordMayHoldAColon() {
    var credentials = new RegistryCredentials("alice", "pa:ss");

    TokenRequest request = TokenRequest.parse("service=reg", credentials.basicAuthorization());

    assertThat(request.username()).isEqualTo("alice");
    assertThat(request.password()).isEqualTo("pa:ss");
    assertThat(request.toString()).doesNotContain("pa:ss");
  }

  @Test
  void otherAuthorizationSchemesAndMalformedScopesAreRejected() {
    assertThatThrownBy(() -> TokenRequest.parse("service=reg", "Bearer abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenRequest.parse("scope=repository", null)).isInstanceOf(IllegalArgumentException.class);
  }
}
