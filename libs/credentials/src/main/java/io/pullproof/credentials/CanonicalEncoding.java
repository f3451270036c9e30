package io.pullproof.credentials;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one canonical encoding of credential material (version 1), the input of the fleet HMAC:
 * the fields {@code [VERSION, kind, ...fields]}, each written as its UTF-8 byte length (4 bytes,
 * big-endian) followed by those bytes. Length prefixes make the encoding injective: no two
 * different field lists produce the same bytes. Fields are used exactly as given (no trimming, no
 * Unicode normalisation).
 */
final class CanonicalEncoding {
  /** First field; a new encoding gets a new version string and so never collides with this one. */
  static final String VERSION = "pullproof-credential-v1";

  private CanonicalEncoding() {}

  static byte[] encode(CredentialMaterial material) {
    List<String> fields = new ArrayList<>();
    fields.add(VERSION);
    fields.add(material.kind());
    fields.addAll(material.fields());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String field : fields) {
      byte[] bytes = utf8(field);
      out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** Strict UTF-8: a lone surrogate is an error, not a '?' that could collide with a real '?'. */
  private static byte[] utf8(String field) {
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer encoded = encoder.encode(CharBuffer.wrap(field));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("credential material is not valid Unicode (unpaired surrogate)");
    }
  }
}
