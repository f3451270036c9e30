package io.pullproof.ledger.api;

import io.pullproof.ledger.model.Role;
import io.pullproof.kit.config.InvalidConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The API's tokens, held only as SHA-256 hashes: a leaked config does not leak a usable token.
 * Entries are {@code subject role sha256-hex}; a presented token is hashed and compared with every
 * entry in constant time ({@link MessageDigest#isEqual}), so timing reveals neither which entry
 * nor how many bytes matched.
 */
public final class BearerTokens {
  private final List<Entry> entries;

  /** One configured token. */
  public record Entry(String subject, Role role, byte[] sha256) {}

  /** The principal a valid token stands for. */
  public record Caller(String subject, Role role) {}

  public BearerTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Entries from the file (one per line, '#' comments) and the inline list (';'-separated). */
  public static BearerTokens load(Optional<Path> file, String inline, String fileKey, String inlineKey) {
    List<Entry> entries = new ArrayList<>();
    if (file.isPresent()) {
      try {
        int number = 0;
        for (String line : Files.readAllLines(file.get(), StandardCharsets.UTF_8)) {
          number++;
          parse(line, fileKey + " " + file.get() + " line " + number).ifPresent(entries::add);
        }
      } catch (IOException e) {
        throw new InvalidConfigException(fileKey + "='" + file.get() + "': cannot read: " + e.getMessage());
      }
    }
    int index = 0;
    for (String entry : inline.split(";")) {
      index++;
      parse(entry, inlineKey + " entry " + index).ifPresent(entries::add);
    }
    if (entries.isEmpty()) {
      throw new InvalidConfigException(fileKey + "/" + inlineKey + ": no token configured");
    }
    return new BearerTokens(entries);
  }

  private static Optional<Entry> parse(String line, String where) {
    String text = line.strip();
    if (text.isEmpty() || text.startsWith("#")) {
      return Optional.empty();
    }
    String[] parts = text.split("\\s+");
    if (parts.length != 3 || !parts[2].matches("[0-9a-fA-F]{64}")) {
      throw new InvalidConfigException(where + ": expected 'subject role sha256-hex' (64 hex digits), got "
          + parts.length + " field(s)");
    }
    try {
      return Optional.of(new Entry(parts[0], Role.parse(parts[1]), HexFormat.of().parseHex(parts[2].toLowerCase())));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(where + ": " + e.getMessage());
    }
  }

  /** The hash to configure for {@code token}: what {@code printf %s TOKEN | sha256sum} prints. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** The caller a presented token belongs to; every entry is compared, whatever matches first. */
  public Optional<Caller> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    byte[] presented = sha256(token);
    Caller found = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(presented, entry.sha256()) && found == null) {
        found = new Caller(entry.subject(), entry.role());
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
