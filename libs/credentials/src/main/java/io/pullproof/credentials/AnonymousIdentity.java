package io.pullproof.credentials;

import java.util.List;

/** No credential at all: the keyring found nothing for the image. */
public record AnonymousIdentity() implements CredentialMaterial {

  /** The one value there is. */
  public static final AnonymousIdentity INSTANCE = new AnonymousIdentity();

  @Override
  public String kind() {
    return "anonymous";
  }

  @Override
  public List<String> fields() {
    return List.of();
  }
}
