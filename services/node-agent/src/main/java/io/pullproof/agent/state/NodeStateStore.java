package io.pullproof.agent.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullproof.events.ImagePulled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's durable memory: pull intents (a pull was about to happen), the pulls this agent saw
 * (so an image it pulled is never mistaken for a preloaded one after a restart), and an outbox of
 * {@code ImagePulled} events not yet acknowledged by Kafka.
 *
 * <p>Crash safety: an append-only journal, one JSON line per change, fsynced before the call
 * returns. A crash can only tear the last line, which {@link #open} ignores. On open the journal
 * is compacted: the live state is written to a temporary file, fsynced, atomically renamed over
 * the journal, and the directory is fsynced, so at every instant one complete journal exists.
 * Thread-safe (one lock; appends are short).
 */
public final class NodeStateStore implements NodeState, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStateStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String JOURNAL = "journal.jsonl";
  private static final String TEMPORARY = "journal.jsonl.tmp";

  private final Path directory;
  private final Map<String, Instant> intents = new LinkedHashMap<>();
  private final Map<String, Set<String>> pulls = new LinkedHashMap<>();
  private final Map<String, ImagePulled> outbox = new LinkedHashMap<>();
  private FileChannel journal;

  private NodeStateStore(Path directory) {
    this.directory = directory;
  }

  /** Reads the journal (ignoring a torn last line), compacts it and opens it for appending. */
  public static NodeStateStore open(Path directory) {
    NodeStateStore store = new NodeStateStore(directory);
    try {
      Files.createDirectories(directory);
      Path file = directory.resolve(JOURNAL);
      if (Files.exists(file)) {
        store.replay(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
      store.compact();
      store.journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("node state in " + directory + " cannot be opened: " + e.getMessage(), e);
    }
    LOG.info("node state in {}: {} pull intents, {} pulled images, {} unpublished pulls",
        directory, store.intents.size(), store.pulls.size(), store.outbox.size());
    return store;
  }

  /** The runtime is about to pull {@code name}: from now on it counts as pulled on this node. */
  @Override
  public synchronized void recordIntent(String name, Instant at) {
    if (!intents.containsKey(name)) {
      append(line("intent").put("name", name).put("at", at.toEpochMilli()));
      intents.put(name, at);
    }
  }

  /**
   * A pull or verification succeeded: remembered, the intent for its name cleared, and the event
   * kept in the outbox until {@link #markPublished}.
   */
  @Override
  public synchronized void recordPull(ImagePulled event) {
    append(line("pulled").put("name", event.getName()).put("imageRef", event.getImageRef())
        .put("eventId", event.getEventId()).put("event", encode(event)));
    apply(event);
  }

  /** Kafka acknowledged the event: it leaves the outbox. */
  @Override
  public synchronized void markPublished(String eventId) {
    if (outbox.containsKey(eventId)) {
      append(line("published").put("eventId", eventId));
      outbox.remove(eventId);
    }
  }

  /**
   * True when this node has an unfinished intent for {@code name}, or pulled it and the fleet may
   * not know yet (its event is still in the outbox): the image is not preloaded.
   */
  @Override
  public synchronized boolean pendingPull(String name) {
    return intents.containsKey(name)
        || outbox.values().stream().anyMatch(event -> event.getName().equals(name));
  }

  /** Whether this agent saw {@code imageRef} of {@code name} pulled (or verified) on this node. */
  public synchronized boolean pulledHere(String name, String imageRef) {
    return pulls.getOrDefault(name, Set.of()).contains(imageRef);
  }

  /** Events recorded but not yet acknowledged, oldest first: republished at start-up. */
  @Override
  public synchronized List<ImagePulled> unpublished() {
    return new ArrayList<>(outbox.values());
  }

  @Override
  public synchronized void close() {
    try {
      if (journal != null) {
        journal.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void replay(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (text.isBlank()) {
        continue;
      }
      try {
        JsonNode entry = JSON.readTree(text);
        switch (entry.path("type").asText()) {
          case "intent" -> intents.putIfAbsent(entry.path("name").asText(), Instant.ofEpochMilli(entry.path("at").asLong()));
          case "pulled" -> apply(decode(entry.path("event").asText()));
          case "published" -> outbox.remove(entry.path("eventId").asText());
          case "seen" -> pulls.computeIfAbsent(entry.path("name").asText(), n -> new HashSet<>())
              .add(entry.path("imageRef").asText());
          default -> throw new IOException("unknown entry type '" + entry.path("type").asText() + "'");
        }
      } catch (IOException | RuntimeException e) {
        // Only the last line can be torn by a crash; anything else means the file was damaged.
        if (i == lines.size() - 1) {
          LOG.warn("node state: ignoring a torn last journal line ({} characters)", text.length());
        } else {
          throw new IllegalStateException("node state journal " + directory.resolve(JOURNAL) + " line " + (i + 1)
              + " is damaged (" + e.getMessage() + "); move the file away to start with an empty state", e);
        }
      }
    }
  }

  private void apply(ImagePulled event) {
    intents.remove(event.getName());
    pulls.computeIfAbsent(event.getName(), n -> new HashSet<>()).add(event.getImageRef());
    outbox.put(event.getEventId(), event);
  }

  /** Writes the live state to a temporary file, fsyncs it, renames it over the journal. */
  private void compact() throws IOException {
    Path temporary = directory.resolve(TEMPORARY);
    try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Map.Entry<String, Instant> intent : intents.entrySet()) {
        write(out, line("intent").put("name", intent.getKey()).put("at", intent.getValue().toEpochMilli()));
      }
      Map<String, Set<String>> published = new HashMap<>();
      pulls.forEach((name, refs) -> published.put(name, new HashSet<>(refs)));
      for (ImagePulled event : outbox.values()) {
        write(out, line("pulled").put("name", event.getName()).put("imageRef", event.getImageRef())
            .put("eventId", event.getEventId()).put("event", encode(event)));
        published.getOrDefault(event.getName(), new HashSet<>()).remove(event.getImageRef());
      }
      for (Map.Entry<String, Set<String>> pulled : published.entrySet()) {
        for (String imageRef : pulled.getValue()) {
          write(out, line("seen").put("name", pulled.getKey()).put("imageRef", imageRef));
        }
      }
      out.force(true);
    }
    try {
      Files.move(temporary, directory.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the state directory's file system cannot rename atomically", e);
    }
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a directory; the rename is still atomic there.
      LOG.debug("directory fsync of {} not supported: {}", directory, e.getMessage());
    }
  }

  private void append(ObjectNode entry) {
    try {
      write(journal, entry);
      journal.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("node state journal in " + directory + " cannot be written: " + e.getMessage(), e);
    }
  }

  private static void write(FileChannel channel, ObjectNode entry) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap((entry.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  private static ObjectNode line(String type) {
    return JSON.createObjectNode().put("type", type);
  }

  private static String encode(ImagePulled event) {
    try {
      ByteBuffer buffer = ImagePulled.getEncoder().encode(event);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ImagePulled decode(String base64) throws IOException {
    return ImagePulled.getDecoder().decode(Base64.getDecoder().decode(base64));
  }
}
