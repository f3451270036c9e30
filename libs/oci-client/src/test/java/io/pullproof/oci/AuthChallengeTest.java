package io.pullproof.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void bearerChallengeKeepsCommasInsideQuotedValues() {
    AuthChallenge challenge = AuthChallenge.parse("Bearer realm=\"https://127.0.0.1:1/token\",service=\"reg\","
        + "scope=\"repository:a/b:pull,push\",error=\"insufficient_scope\"");

    assertThat(challenge.isBearer()).isTrue();
    assertThat(challenge.parameter("realm")).hasValue("https://127.0.0.1:1/token");
    assertThat(challenge.parameter("service")).hasValue("reg");
    assertThat(challenge.parameter("scope")).hasValue("repository:a/b:pull,push");
    assertThat(challenge.parameter("error")).hasValue("insufficient_scope");
  }

  @Test
  void basicChallengeWithUnquotedValueAndSpaces() {
    AuthChallenge challenge = AuthChallenge.parse("Basic realm=pullproof, charset=\"UTF-8\"");

    assertThat(challenge.isBasic()).isTrue();
    assertThat(challenge.parameter("Realm")).hasValue("pullproof");
    assertThat(challenge.parameter("charset")).hasValue("UTF-8");
  }

  @Test
  void escapedQuoteStaysInTheValue() {
    assertThat(AuthChallenge.parse("Bearer realm=\"a\\\"b\"").parameter("realm")).hasValue("a\"b");
  }
}
