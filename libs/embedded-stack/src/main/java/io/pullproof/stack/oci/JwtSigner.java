package io.pullproof.stack.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * Compact RS256 JWS. The header carries the signer's certificate in {@code x5c} (standard base64
 * DER, RFC 7515): that is how distribution's token auth finds the key, accepting it when the
 * certificate is listed in the registry's {@code rootcertbundle}.
 */
final class JwtSigner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final SelfSignedCertificate key;
  private final String encodedHeader;

  JwtSigner(SelfSignedCertificate key) {
    this.key = key;
    try {
      ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
      header.putArray("x5c").add(Base64.getEncoder().encodeToString(key.certificate().getEncoded()));
      this.encodedHeader = BASE64URL.encodeToString(JSON.writeValueAsBytes(header));
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new IllegalStateException("could not encode the JWT header", e);
    }
  }

  String sign(ObjectNode claims) {
    try {
      String signingInput = encodedHeader + "." + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key.privateKey());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException | JsonProcessingException e) {
      throw new IllegalStateException("could not sign a token", e);
    }
  }
}
