package io.pullproof.stack.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer OCI image built in memory, small enough to push in a test: the layer holds one
 * file whose content names the repository and tag, so every image has its own digests. Built the
 * same way twice, it has the same digests (fixed file times, gzip without a timestamp).
 */
public record TinyImage(Blob layer, Blob config, Blob manifest) {
  public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  public static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  public static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String FILE_NAME = "pullproof-image.txt";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Content-addressed bytes, as the registry stores them. Arrays compare by identity in equals; compare digests. */
  public record Blob(String mediaType, byte[] content, String digest) {
    static Blob of(String mediaType, byte[] content) {
      return new Blob(mediaType, content, sha256(content));
    }

    public long size() {
      return content.length;
    }
  }

  public static TinyImage of(String repository, String tag) {
    byte[] tar = tarWithOneFile(FILE_NAME, ("pullproof test image " + repository + ":" + tag + "\n").getBytes(StandardCharsets.UTF_8));
    Blob layer = Blob.of(LAYER_TYPE, gzip(tar));
    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    config.putObject("config");
    ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
    // diff_ids name the uncompressed layer, as a runtime sees it after unpacking.
    rootfs.putArray("diff_ids").add(sha256(tar));
    Blob configBlob = Blob.of(CONFIG_TYPE, json(config));
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
    manifest.set("config", descriptor(configBlob));
    manifest.putArray("layers").add(descriptor(layer));
    return new TinyImage(layer, configBlob, Blob.of(MANIFEST_TYPE, json(manifest)));
  }

  private static ObjectNode descriptor(Blob blob) {
    return JSON.createObjectNode().put("mediaType", blob.mediaType()).put("digest", blob.digest()).put("size", blob.size());
  }

  /** A POSIX ustar archive: one 512-byte header, the content padded to 512, two zero blocks. */
  static byte[] tarWithOneFile(String name, byte[] content) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", content.length));
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    // The checksum is computed with its own field read as spaces.
    put(header, 148, "        ");
    int checksum = 0;
    for (byte b : header) {
      checksum += b & 0xff;
    }
    put(header, 148, String.format("%06o", checksum));
    header[154] = 0;
    header[155] = ' ';
    int padding = (512 - content.length % 512) % 512;
    var out = new ByteArrayOutputStream();
    out.writeBytes(header);
    out.writeBytes(content);
    out.writeBytes(new byte[padding + 1024]);
    return out.toByteArray();
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static byte[] gzip(byte[] data) {
    var out = new ByteArrayOutputStream();
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip in memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static byte[] json(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + node, e);
    }
  }

  static String sha256(byte[] content) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
